package dev.uvm.vm;

import java.nio.file.Path;

/**
 * Makes a backend's {@link VmDriver}. Each backend module registers one in
 * {@code META-INF/services/dev.uvm.vm.VmDriverProvider}; the daemon picks one by the config's
 * {@code backend} and knows no backend class.
 */
public interface VmDriverProvider {
    /** The backend's name, as {@code backend} in {@code [daemon]} names it: {@code qemu}, {@code hcs}. */
    String name();

    /** Whether {@code backend = auto} picks this backend on this host. */
    boolean nativeHere();

    /** A driver that keeps its files where {@code places} says. */
    VmDriver create(Places places);

    /**
     * Where a driver keeps its files.
     *
     * @param imageDir the guest image (kernel, initramfs, recommended command line)
     * @param runRoot  a short private folder for each VM's sockets and logs (Unix socket paths are limited)
     * @param stateDir the daemon's state folder: records of running VMs, saved states
     * @param cacheDir what may be recomputed (the accelerator probe's verdict)
     * @param consoleLogBytes the size at which a guest's console log is rotated ({@code [daemon] consoleLogSize})
     */
    record Places(Path imageDir, Path runRoot, Path stateDir, Path cacheDir, long consoleLogBytes) {
        public Places(Path imageDir, Path runRoot, Path stateDir, Path cacheDir) {
            this(imageDir, runRoot, stateDir, cacheDir, 1L << 20);
        }
    }
}
