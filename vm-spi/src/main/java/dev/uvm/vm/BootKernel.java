package dev.uvm.vm;

import java.nio.file.Path;

/**
 * The kernel a VM boots, as {@link GuestImage} resolved its {@code kernel} setting.
 *
 * @param file    the kernel file
 * @param origin  where it came from
 * @param release its release ({@code uname -r}) when the image's manifest names it, else {@code null}
 * @param notice  for the user, when this is not the kernel the config asked for (uvm's own is not
 *                built yet, or its build failed): why, and what to do; {@code null} otherwise
 */
public record BootKernel(Path file, Origin origin, String release, String notice) {

    public enum Origin {
        UVM("uvm's own kernel"),
        DEBIAN("Debian's kernel"),
        FILE("the configured kernel file");

        private final String text;

        Origin(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /** For people: {@code 6.1.192-uvm (uvm's own kernel)}, or the file when the release is unknown. */
    public String label() {
        return (release != null ? release : file.toString()) + " (" + origin.text() + ")";
    }
}
