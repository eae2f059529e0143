package dev.uvm.client;

import dev.uvm.config.ImageKernels;
import dev.uvm.config.Locations;
import dev.uvm.protocol.Wire;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code uvm --version}: the release, and the guest kernels of this installation's image with
 * where each came from (read from the image folder; no daemon needed).
 */
final class VersionLines implements IVersionProvider {
    @Override
    public String[] getVersion() {
        ImageKernels kernels = new ImageKernels(Locations.imageDir());
        String guest = kernels.ownBuilt()
                ? "uvm's own " + kernels.ownText() + ", the default (kernel = uvm)"
                : "Debian's for now: " + kernels.whyOwnMissing();
        return new String[] {
            "uvm " + Wire.RELEASE,
            "guest kernel: " + guest,
            "Debian's kernel: " + kernels.debianText() + ", with kernel = debian",
        };
    }
}
