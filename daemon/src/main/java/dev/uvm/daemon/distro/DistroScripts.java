package dev.uvm.daemon.distro;

/**
 * The shell scripts the daemon runs in a VM's utility environment (busybox sh, GNU tar as
 * {@code gtar}) to manage distributions on its data disk, mounted at {@code /data}: each
 * distribution's root file system is {@code /data/distros/NAME}. Arguments come as {@code $1...},
 * never inside the script text, so a name cannot inject commands (names are checked besides).
 *
 * <p>Files the daemon writes into a distribution ({@code /etc/hosts}) and reads from it
 * ({@code /etc/wsl.conf}) are skipped when they or {@code /etc} are symbolic links: root in the
 * utility environment would follow them out of the distribution.
 */
public final class DistroScripts {
    /** Where distributions live in the guest. */
    public static final String DISTROS = "/data/distros";

    /** Exit statuses of {@link #IMPORT} that the daemon turns into messages. */
    public static final int NO_DATA_DISK = 3;
    public static final int EXISTS = 4;
    public static final int ABSOLUTE_PATHS = 6;
    public static final int ZSTD = 7;

    private DistroScripts() {
    }

    private static final String NEED_DISK = """
            grep -q ' /data ' /proc/mounts || { echo "the VM's data disk is not mounted at /data" >&2; exit 3; }
            """;

    /**
     * Unpacks the tarball on stdin (tar, gzip or xz; told apart by its first bytes) into
     * {@code /data/distros/.import-$1} and moves it to {@code /data/distros/$1} only when all of it
     * was unpacked. Prints the distribution's size in KiB. A failure leaves nothing behind.
     */
    public static final String IMPORT = NEED_DISK + """
            d=/data/distros; n=$1; t=$d/.import-$n; e=/tmp/import-$n.err; m=/tmp/import-$n.magic
            [ -e "$d/$n" ] && { echo "a folder $n exists on the data disk already" >&2; exit 4; }
            rm -rf "$t" && mkdir -p "$t" && chmod 755 "$t" || exit 5
            dd bs=1 count=6 of="$m" 2>/dev/null
            case $(od -An -tx1 "$m" | tr -d ' \n') in
            1f8b*) dec="gzip -dc" ;;
            fd377a585a00) dec="xz -dc" ;;
            28b52ffd*) echo "zstd-compressed tarballs are not supported; use tar, tar.gz or tar.xz" >&2; rm -rf "$t" "$m"; exit 7 ;;
            *) dec=cat ;;
            esac
            cat "$m" - | $dec | gtar -x -p --acls --xattrs --xattrs-include='*' --numeric-owner -f - -C "$t" 2>"$e"
            rc=$?
            rm -f "$m"
            if grep -q "Removing leading" "$e"; then
            \techo "the tarball holds members outside its root (absolute paths or ..), which uvm refuses" >&2; rc=6
            fi
            if [ "$rc" -ne 0 ]; then
            \tgrep -v "Removing leading" "$e" | tail -n 5 >&2; rm -rf "$t" "$e"; sync; exit "$rc"
            fi
            rm -f "$e"
            mv "$t" "$d/$n" && sync && du -sk "$d/$n" | cut -f1
            """;

    /** Writes {@code /data/distros/$1} as a tar stream on stdout. */
    public static final String EXPORT = """
            r=/data/distros/$1
            [ -d "$r" ] || { echo "the files of $1 are missing from the data disk" >&2; exit 4; }
            cd "$r" && exec gtar -c --acls --xattrs --xattrs-include='*' --numeric-owner -f - .
            """;

    /**
     * Ends every process of distribution {@code $1} (its namespaces' init, whose pid the agent keeps
     * in {@code /run/uvm/distros/$1.pid}), deletes its files and trims the disk, so the space goes
     * back to the host.
     */
    public static final String UNREGISTER = """
            n=$1; p=/run/uvm/distros/$n.pid
            if [ -f "$p" ]; then
            \tpid=$(cat "$p"); kill -KILL "$pid" 2>/dev/null; i=0
            \twhile [ -f "$p" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
            fi
            rm -rf "/data/distros/$n" "/data/distros/.import-$n" || exit 1
            sync; fstrim /data 2>/dev/null; true
            """;

    /** Prints {@code NAME KiB} for each distribution named in the arguments. */
    public static final String DISK_USE = """
            cd /data/distros 2>/dev/null || exit 0
            for n in "$@"; do [ -d "$n" ] && printf '%s %s\\n' "$n" "$(du -sk "$n" | cut -f1)"; done; true
            """;

    /** Prints distribution {@code $1}'s {@code /etc/wsl.conf}, if it has one (64 KiB at most). */
    public static final String READ_WSL_CONF = """
            r=/data/distros/$1
            [ -d "$r" ] || { echo "the files of $1 are missing from the data disk" >&2; exit 4; }
            [ ! -L "$r/etc" ] && [ -f "$r/etc/wsl.conf" ] && [ ! -L "$r/etc/wsl.conf" ] && head -c 65536 "$r/etc/wsl.conf"
            true
            """;

    /**
     * Writes distribution {@code $1}'s {@code /etc/hosts} for host name {@code $2}, with
     * {@code host.uvm.internal} when the VM has NAT networking (the utility environment's hosts file
     * names it then).
     */
    public static final String WRITE_HOSTS = """
            r=/data/distros/$1
            if [ -d "$r/etc" ] && [ ! -L "$r/etc" ] && [ ! -L "$r/etc/hosts" ]; then
            \tprintf '# Written by uvm when the VM starts (generateHosts = false in [network] of /etc/wsl.conf stops it)\\n127.0.0.1\\tlocalhost\\n127.0.1.1\\t%s.localdomain\\t%s\\n::1\\tlocalhost ip6-localhost ip6-loopback\\n' "$2" "$2" >"$r/etc/hosts"
            \tgrep -h 'host.uvm.internal' /etc/hosts >>"$r/etc/hosts" 2>/dev/null
            fi
            true
            """;

    /**
     * Writes distribution {@code $1}'s {@code /etc/resolv.conf} (the VM's NAT resolver) when the VM has
     * NAT networking; a symbolic link there (systemd-resolved's) is replaced, as WSL does.
     */
    public static final String WRITE_RESOLV_CONF = """
            r=/data/distros/$1
            [ -f /etc/resolv.conf ] && [ -d "$r/etc" ] && [ ! -L "$r/etc" ] || exit 0
            rm -f "$r/etc/resolv.conf"
            { echo '# Written by uvm when the VM starts (generateResolvConf = false in [network] of /etc/wsl.conf stops it)'; cat /etc/resolv.conf; } >"$r/etc/resolv.conf"
            """;
}
