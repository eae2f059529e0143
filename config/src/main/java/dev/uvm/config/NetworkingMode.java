package dev.uvm.config;

/**
 * A VM's network ({@code networkingMode}, as in {@code .wslconfig}): {@link #NAT} gives the guest an
 * address behind the host, DNS and the host's loopback as {@code host.uvm.internal}, with no host
 * network configuration and no root; {@link #NONE} gives it a loopback only.
 */
public enum NetworkingMode {
    NAT,
    NONE
}
