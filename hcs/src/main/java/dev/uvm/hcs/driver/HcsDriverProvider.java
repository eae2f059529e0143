package dev.uvm.hcs.driver;

import dev.uvm.vm.VmDriver;
import dev.uvm.vm.VmDriverProvider;

/**
 * The Host Compute Service backend ({@code backend = hcs}; {@code auto} on Windows): guest agents
 * reach the host over hvsocket.
 */
public final class HcsDriverProvider implements VmDriverProvider {
    @Override
    public String name() {
        return "hcs";
    }

    @Override
    public boolean nativeHere() {
        return System.getProperty("os.name", "").startsWith("Windows");
    }

    @Override
    public VmDriver create(Places places) {
        return new HcsDriver(places.imageDir(), places.stateDir().resolve("disks"), new HvSocketAgentTransport());
    }
}
