package dev.uvm.daemon;

import dev.uvm.config.Backend;
import dev.uvm.vm.VmDriver;
import dev.uvm.vm.VmDriverProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * Chooses the hypervisor backend among those on the class path ({@link VmDriverProvider}s): the
 * one {@code backend} names, or for {@code auto} the one native to this host (HCS on Windows,
 * QEMU elsewhere).
 */
final class Backends {
    private Backends() {
    }

    static VmDriver create(Backend backend, VmDriverProvider.Places places) {
        List<VmDriverProvider> found = new ArrayList<>();
        ServiceLoader.load(VmDriverProvider.class).forEach(found::add);
        for (VmDriverProvider p : found) {
            if (backend == Backend.AUTO ? p.nativeHere() : p.name().equals(backend.name().toLowerCase(Locale.ROOT))) {
                return p.create(places);
            }
        }
        throw new IllegalStateException("no " + (backend == Backend.AUTO ? "backend for this host"
                : "'" + backend.name().toLowerCase(Locale.ROOT) + "' backend") + " is installed (found: "
                + String.join(", ", found.stream().map(VmDriverProvider::name).toList())
                + "); set backend in [daemon] to one of them, or reinstall uvm");
    }
}
