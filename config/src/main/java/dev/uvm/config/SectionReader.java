package dev.uvm.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Gives sections and keys their meaning: decides which section an entry configures, resolves key
 * names, and warns about everything it ignores (unknown or unsupported keys and sections,
 * duplicates). Values are not looked at here; {@link SettingParser} does that.
 */
final class SectionReader {
    /** VM names become file names and QEMU ids. */
    static final Pattern VM_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
    static final String VM_NAME_RULE = "expected 1 to 32 characters of a-z, 0-9, '_' and '-', starting with a"
            + " letter or digit (VM names become file names and QEMU ids)";

    private static final List<String> KNOWN_SECTIONS = List.of("daemon", "vm", "wsl2", "experimental");

    private enum Kind { DAEMON, BASE, EXPERIMENTAL, NAMED, IGNORED }

    private final Problems problems;
    private final SectionModel model = new SectionModel();

    private SectionReader(Problems problems) {
        this.problems = problems;
    }

    static SectionModel read(IniDocument document, Problems problems) {
        SectionReader reader = new SectionReader(problems);
        document.sections().forEach(reader::section);
        return reader.model;
    }

    private void section(IniDocument.Section section) {
        String name = section.name();
        if (name == null) {
            for (IniDocument.Entry e : section.entries()) {
                problems.warning(e.line(), e.key(), e.value(),
                        "outside any section, ignored; put it under [vm] or [daemon]");
            }
            return;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        Kind kind;
        Map<ConfigKey, Setting> target = null;
        if (lower.equals("daemon")) {
            kind = Kind.DAEMON;
            target = model.daemon;
        } else if (lower.equals("vm") || lower.equals("wsl2")) {
            kind = Kind.BASE;
            target = model.base;
        } else if (lower.equals("experimental")) {
            kind = Kind.EXPERIMENTAL;
            target = model.base;
        } else if (lower.startsWith("vm.")) {
            String vm = name.substring(3);
            if (VM_NAME.matcher(vm).matches()) {
                kind = Kind.NAMED;
                target = model.vm(vm);
            } else {
                problems.error(section.line(), null, null,
                        "invalid VM name \"" + vm + "\" in [" + name + "]: " + VM_NAME_RULE);
                kind = Kind.IGNORED;
            }
        } else if (WslCompat.isWslConfSection(name)) {
            problems.warning(section.line(), null, null,
                    "[" + name + "] is a wsl.conf section; not supported by uvm, ignored");
            kind = Kind.IGNORED;
        } else {
            problems.warning(section.line(), null, null, "unknown section [" + name + "], ignored"
                    + Suggestions.closest(name, KNOWN_SECTIONS).map(s -> "; did you mean [" + s + "]?").orElse(""));
            kind = Kind.IGNORED;
        }
        if (kind == Kind.IGNORED) {
            return;
        }
        for (IniDocument.Entry e : section.entries()) {
            entry(kind, name, e, target);
        }
    }

    private void entry(Kind kind, String section, IniDocument.Entry e, Map<ConfigKey, Setting> target) {
        ConfigKey.Scope scope = kind == Kind.DAEMON ? ConfigKey.Scope.DAEMON : ConfigKey.Scope.VM;
        Optional<ConfigKey> key = ConfigKey.named(scope, e.key());
        if (key.isEmpty()) {
            key = ConfigKey.namedIgnoringCase(scope, e.key());
            key.ifPresent(k -> problems.warning(e.line(), e.key(), e.value(),
                    "key names are case-sensitive; read as " + k.keyName()));
        }
        if (key.isEmpty()) {
            unknown(scope, section, e);
            return;
        }
        if (kind == Kind.EXPERIMENTAL && key.get() != ConfigKey.AUTO_MEMORY_RECLAIM) {
            problems.warning(e.line(), e.key(), e.value(),
                    "not an [experimental] key, ignored; put it under [wsl2] or [vm]");
            return;
        }
        Setting setting = new Setting(key.get(), e.key(), e.value(), new Origin(problems.file(), e.line(), section, e.value()));
        Setting previous = target.put(key.get(), setting);
        if (previous != null) {
            problems.warning(e.line(), e.key(), e.value(), key.get().keyName() + " is also set at line "
                    + previous.line() + " [" + previous.origin().section() + "]; the last value wins");
        }
    }

    private void unknown(ConfigKey.Scope scope, String section, IniDocument.Entry e) {
        if (scope == ConfigKey.Scope.VM && WslCompat.isUnsupportedWslKey(e.key())) {
            problems.warning(e.line(), e.key(), e.value(), "not supported by uvm, ignored");
            return;
        }
        ConfigKey.Scope other = scope == ConfigKey.Scope.VM ? ConfigKey.Scope.DAEMON : ConfigKey.Scope.VM;
        Optional<ConfigKey> elsewhere = ConfigKey.namedIgnoringCase(other, e.key());
        if (elsewhere.isPresent()) {
            problems.warning(e.line(), e.key(), e.value(), other == ConfigKey.Scope.DAEMON
                    ? "is a [daemon] key, ignored in [" + section + "]"
                    : "is a VM key, ignored in [daemon]; put it under [vm] or [vm.NAME]");
            return;
        }
        List<String> names = ConfigKey.of(scope).stream().map(ConfigKey::keyName).toList();
        problems.warning(e.line(), e.key(), e.value(), "unknown key, ignored"
                + Suggestions.closest(e.key(), names).map(s -> "; did you mean " + s + "?").orElse(""));
    }
}
