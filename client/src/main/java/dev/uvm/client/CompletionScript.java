package dev.uvm.client;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The bash and zsh completion scripts of {@code uvm}, written from its picocli model: every
 * subcommand with its aliases, options and positional parameters, so the scripts cannot drift
 * from the commands. What an argument completes to follows from its model:
 * <ul>
 * <li>the label {@code VM}: the VM names, {@code DISTRO}: the distribution names, and {@code ID}:
 * the background jobs' ids, all from
 * {@code uvm list --names} at the time of the TAB (a running daemon; it never starts one);
 * <li>a {@link Path} type or the labels {@code FILE} and {@code PATH}: host files;
 * <li>an enum type or completion candidates: those words;
 * <li>anything else: nothing (a user name, a command in the guest after {@code run --}).
 * </ul>
 * The zsh script runs the bash one through zsh's {@code bashcompinit}, so both complete alike.
 */
final class CompletionScript {
    /** The words of the daemon side's commands, whose models live in the daemon's JVM. */
    private static final Map<String, String> DAEMON_SIDE_WORDS = Map.of("config", "words:check,show");

    private final CommandSpec root;

    CompletionScript(CommandSpec root) {
        this.root = root;
    }

    String bash() {
        StringBuilder b = new StringBuilder();
        b.append("# bash completion for uvm                                   -*- shell-script -*-\n")
                .append("# Written from uvm's command model by `uvm completion bash`; regenerate rather than edit.\n")
                .append("# VM and distribution names come from `uvm list --names`, which asks a running daemon\n")
                .append("# and never starts one.\n\n");
        b.append(BASH_HELPERS);
        b.append("_uvm_table() {\n    # per subcommand: its options, the options that take a value (OPTION=KIND), the kinds\n")
                .append("    # of its positional parameters (the last one repeats) and whether its first positional\n")
                .append("    # parameter starts a command for the guest\n    case $1 in\n");
        b.append("        '') opts=").append(quote(String.join(" ", optionNames(root)) + " "
                + String.join(" ", commandNames()))).append("; valued=").append(quote(valued(root)))
                .append("; positional=subcommands; guest= ;;\n");
        for (Map.Entry<String, CommandSpec> e : distinctSubcommands().entrySet()) {
            CommandSpec c = e.getValue();
            List<String> names = new ArrayList<>(List.of(c.name()));
            names.addAll(List.of(c.aliases()));
            b.append("        ").append(String.join("|", names)).append(") opts=")
                    .append(quote(String.join(" ", optionNames(c)))).append("; valued=").append(quote(valued(c)))
                    .append("; positional=").append(quote(positionals(c))).append("; guest=")
                    .append(c.parser().stopAtPositional() ? "1" : "").append(" ;;\n");
        }
        b.append("        *) return 1 ;;\n    esac\n}\n\n");
        b.append("_uvm_subcommands=").append(quote(String.join(" ", commandNames()))).append("\n\n");
        b.append(BASH_MAIN);
        b.append("complete -F _uvm_complete uvm\n");
        return b.toString();
    }

    String zsh() {
        return "#compdef uvm\n"
                + "# zsh completion for uvm: the bash completion (`uvm completion bash`) through zsh's bashcompinit.\n"
                + "autoload -U +X bashcompinit && bashcompinit\n"
                + bash().replaceFirst("(?m)^# bash completion for uvm.*\n", "")
                + "[[ $funcstack[1] = _uvm ]] && _bash_complete -F _uvm_complete \"$@\"\n";
    }

    private Map<String, CommandSpec> distinctSubcommands() {
        Map<String, CommandSpec> out = new LinkedHashMap<>();
        root.subcommands().values().forEach(cl -> out.putIfAbsent(cl.getCommandSpec().name(), cl.getCommandSpec()));
        return out;
    }

    private List<String> commandNames() {
        return new ArrayList<>(root.subcommands().keySet());
    }

    private static List<String> optionNames(CommandSpec c) {
        List<String> out = new ArrayList<>();
        for (OptionSpec o : c.options()) {
            if (!o.hidden()) {
                out.addAll(List.of(o.names()));
            }
        }
        return out;
    }

    private static String valued(CommandSpec c) {
        List<String> out = new ArrayList<>();
        for (OptionSpec o : c.options()) {
            if (o.arity().max() > 0) {
                for (String n : o.names()) {
                    out.add(n + "=" + kind(o));
                }
            }
        }
        if (c == c.root()) {
            // uvm -d DISTRO, as wsl.exe has it: a shell or a run in that distribution
            out.add("-d=distributions");
            out.add("--distribution=distributions");
        }
        return String.join(" ", out);
    }

    private static String positionals(CommandSpec c) {
        if (DAEMON_SIDE_WORDS.containsKey(c.name())) {
            return DAEMON_SIDE_WORDS.get(c.name());
        }
        if (c.name().equals("help")) {
            return "subcommands";
        }
        List<String> out = new ArrayList<>();
        for (PositionalParamSpec p : c.positionalParameters()) {
            if (!p.hidden()) {
                out.add(kind(p));
            }
        }
        return out.isEmpty() ? "none" : String.join(" ", out);
    }

    /** What an option's value or a positional parameter completes to; see the class comment. */
    static String kind(ArgSpec a) {
        String label = a.paramLabel().replaceAll("[<>]", "");
        if (label.equals("VM")) {
            return "vms";
        }
        if (label.equals("DISTRO")) {
            return "distributions";
        }
        if (label.equals("ID")) {
            return "jobs";
        }
        if (a.type() == Path.class || label.equals("FILE") || label.equals("PATH")) {
            return "file";
        }
        List<String> words = new ArrayList<>();
        if (a.completionCandidates() != null) {
            a.completionCandidates().forEach(words::add);
        }
        return words.isEmpty() ? "none" : "words:" + String.join(",", words);
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static final String BASH_HELPERS = """
            _uvm_names() {
                # $1: vms, distributions or jobs, from the daemon and config the typed --socket/--config name
                "$_uvm_cmd" "${_uvm_global[@]}" list --names "$1" 2>/dev/null
            }

            _uvm_value() {
                # COMPREPLY for a value of kind $1 (see _uvm_table) that starts with $2
                local IFS=$'\\n'
                case $1 in
                    vms | distributions | jobs) COMPREPLY=($(compgen -W "$(_uvm_names "$1")" -- "$2")) ;;
                    subcommands) COMPREPLY=($(IFS=' '; compgen -W "$_uvm_subcommands" -- "$2")) ;;
                    file) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$2")) ;;
                    words:*) local w=${1#words:}; COMPREPLY=($(IFS=' '; compgen -W "${w//,/ }" -- "$2")) ;;
                    *) COMPREPLY=() ;;
                esac
            }

            _uvm_kind_of() {
                # the kind of option $1's value, or nothing when $1 takes no value
                local v
                for v in $valued; do
                    [[ ${v%%=*} == "$1" ]] && { echo "${v#*=}"; return; }
                done
            }

            """;

    private static final String BASH_MAIN = """
            _uvm_complete() {
                local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
                local _uvm_cmd=${COMP_WORDS[0]} _uvm_global=() sub= at=0 i
                # the subcommand: the first word after uvm's own options (uvm -- CMD is uvm run -- CMD)
                for ((i = 1; i < COMP_CWORD; i++)); do
                    case ${COMP_WORDS[i]} in
                        --socket | --config)
                            if [[ ${COMP_WORDS[i+1]} == = ]]; then
                                _uvm_global+=("${COMP_WORDS[i]}=${COMP_WORDS[i+2]}"); i=$((i + 2))
                            else
                                _uvm_global+=("${COMP_WORDS[i]}" "${COMP_WORDS[i+1]}"); i=$((i + 1))
                            fi ;;
                        -d | --distribution) i=$((i + 1)) ;;
                        --) compopt -o default 2>/dev/null; COMPREPLY=(); return ;;
                        -*) ;;
                        *) sub=${COMP_WORDS[i]}; at=$i; break ;;
                    esac
                done
                local opts valued positional guest kind
                _uvm_table "$sub" || return 0
                # --option=VALUE: bash splits it at the = sign
                if [[ $cur == = ]]; then
                    prev=${COMP_WORDS[COMP_CWORD-1]}; cur=
                elif [[ $prev == = ]]; then
                    prev=${COMP_WORDS[COMP_CWORD-2]}
                fi
                kind=$(_uvm_kind_of "$prev")
                if [[ -n $kind && $COMP_CWORD -gt 1 ]]; then
                    _uvm_value "$kind" "$cur"
                    return
                fi
                # the positional parameters before this word: options and their values do not count
                local n=0 word
                for ((i = at + 1; i < COMP_CWORD; i++)); do
                    word=${COMP_WORDS[i]}
                    if [[ $word == -- ]]; then
                        [[ -n $guest ]] && { compopt -o default 2>/dev/null; COMPREPLY=(); return; }
                    elif [[ $word == -* ]]; then
                        [[ $word != *=* && -n $(_uvm_kind_of "$word") ]] && i=$((i + 1))
                    elif [[ $word != = && ${COMP_WORDS[i-1]} != = ]]; then
                        n=$((n + 1))
                    fi
                done
                if [[ -n $guest && $n -gt 0 ]]; then
                    compopt -o default 2>/dev/null; COMPREPLY=(); return
                fi
                if [[ $cur == -* || ( -n $sub && $positional == none ) ]]; then
                    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
                    return
                fi
                [[ -z $sub ]] && { _uvm_value subcommands "$cur"; return; }
                local kinds=($positional)
                (( n >= ${#kinds[@]} )) && n=$((${#kinds[@]} - 1))
                _uvm_value "${kinds[n]}" "$cur"
            }

            """;
}
