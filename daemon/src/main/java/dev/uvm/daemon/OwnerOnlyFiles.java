package dev.uvm.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryFlag;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Files and folders of the daemon that only it (and whom it names) may use, on either kind of file
 * system: POSIX modes where the file system has them (Linux: {@code rw-------}, {@code rwx------}),
 * else an access-control list (Windows, NTFS), which replaces the inherited one and grants full
 * control to the owner, {@code SYSTEM} and {@code BUILTIN\Administrators} only; the Windows
 * service runs as LocalSystem, and administrators are who manage it. A group may be let in to a
 * socket and its folder as the POSIX group bits do: read and write data, traverse, no more.
 */
public final class OwnerOnlyFiles {
    /** Who besides the owner may do everything with an ACL-protected file. */
    static final List<String> ADMINISTRATORS = List.of("NT AUTHORITY\\SYSTEM", "BUILTIN\\Administrators");

    private OwnerOnlyFiles() {
    }

    /** Whether {@code p}'s file system has POSIX modes (else it has ACLs, or nothing this class can use). */
    public static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** Creates {@code file}, which must not exist, readable and writable by its owner only from the start. */
    public static void createFile(Path file) throws IOException {
        if (posix(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
            restrict(file, null);
        }
    }

    /** Creates {@code dir} and its parents as needed, and restricts {@code dir} itself to its owner. */
    public static void createDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        restrict(dir, null);
    }

    /**
     * Restricts a file or folder to its owner, and {@code group} (may be {@code null}) to reading and
     * writing data (a socket) or traversing (its folder). On POSIX: {@code rw-------}/{@code rwx------},
     * with a group {@code rw-rw----}/{@code rwx--x---} (the caller sets the group owner).
     */
    public static void restrict(Path p, String group) throws IOException {
        boolean dir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
        if (posix(p)) {
            String mode = dir ? (group == null ? "rwx------" : "rwx--x---") : (group == null ? "rw-------" : "rw-rw----");
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
            return;
        }
        AclFileAttributeView view = Files.getFileAttributeView(p, AclFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            throw new IOException("cannot restrict " + p + " to its owner: its file system has neither POSIX modes nor ACLs");
        }
        UserPrincipalLookupService names = p.getFileSystem().getUserPrincipalLookupService();
        List<UserPrincipal> admins = new ArrayList<>();
        for (String name : ADMINISTRATORS) {
            admins.add(names.lookupPrincipalByName(name));
        }
        UserPrincipal member = group == null ? null : names.lookupPrincipalByGroupName(group);
        view.setAcl(acl(view.getOwner(), admins, member, dir));
    }

    /**
     * The list {@link #restrict} sets: full control for the owner and {@code admins}, and for
     * {@code group} (may be {@code null}) data and traversal only. A folder's entries are inherited
     * by what is made in it.
     */
    static List<AclEntry> acl(UserPrincipal owner, List<UserPrincipal> admins, UserPrincipal group, boolean directory) {
        Set<AclEntryFlag> inherit = directory
                ? EnumSet.of(AclEntryFlag.FILE_INHERIT, AclEntryFlag.DIRECTORY_INHERIT)
                : EnumSet.noneOf(AclEntryFlag.class);
        List<AclEntry> entries = new ArrayList<>();
        entries.add(allow(owner, EnumSet.allOf(AclEntryPermission.class), inherit));
        for (UserPrincipal admin : admins) {
            if (!admin.equals(owner)) {
                entries.add(allow(admin, EnumSet.allOf(AclEntryPermission.class), inherit));
            }
        }
        if (group != null) {
            entries.add(allow(group, directory
                    ? EnumSet.of(AclEntryPermission.EXECUTE, AclEntryPermission.READ_ATTRIBUTES,
                            AclEntryPermission.SYNCHRONIZE)
                    : EnumSet.of(AclEntryPermission.READ_DATA, AclEntryPermission.WRITE_DATA,
                            AclEntryPermission.READ_ATTRIBUTES, AclEntryPermission.SYNCHRONIZE),
                    EnumSet.noneOf(AclEntryFlag.class)));
        }
        return entries;
    }

    private static AclEntry allow(UserPrincipal who, Set<AclEntryPermission> what, Set<AclEntryFlag> flags) {
        return AclEntry.newBuilder().setType(AclEntryType.ALLOW).setPrincipal(who).setPermissions(what)
                .setFlags(flags).build();
    }
}
