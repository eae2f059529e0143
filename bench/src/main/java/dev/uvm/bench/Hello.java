package dev.uvm.bench;

/**
 * The floor for a client command: a JVM that starts with bin/uvm's client flags and the same
 * class path, prints one line and exits. {@code uvm run -- true} cannot be faster than this.
 */
public final class Hello {
    private Hello() {
    }

    public static void main(String[] args) {
        System.out.println("hello");
    }
}
