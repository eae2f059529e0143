package dev.uvm.hcs.driver;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uvm.hcs.ExitEvent;
import dev.uvm.hcs.raw.HResult;
import java.util.ArrayList;
import java.util.List;

/** Turns an HCS exit notification into the sentence the lifecycle logs and shows to sessions. */
final class ExitDescriptions {
    private ExitDescriptions() {
    }

    /**
     * For example {@code HCS system uvm-default stopped: UnexpectedExit, status HCS_E_UNEXPECTED_EXIT
     * (0x80370106), initiated by GuestOS (Crash)}.
     */
    static String describe(ExitEvent event) {
        StringBuilder text = new StringBuilder("HCS system ").append(event.systemId()).append(' ');
        switch (event.reason()) {
            case GRACEFUL -> text.append("stopped: GracefulExit");
            case FORCED -> text.append("stopped: ForcedExit");
            case UNEXPECTED -> text.append("stopped: UnexpectedExit");
            case SERVICE_DISCONNECTED -> text.append("was lost: the HCS service disconnected (ServiceDisconnect)");
            default -> text.append("stopped with an unknown exit type");
        }
        if (event.status() != HResult.S_OK && event.reason() != ExitEvent.Reason.SERVICE_DISCONNECTED) {
            text.append(", status ").append(HResult.describe(event.status()));
        }
        List<String> causes = attribution(event);
        if (!causes.isEmpty()) {
            text.append(", initiated by ").append(String.join("; ", causes));
        }
        return text.toString();
    }

    /** {@code Initiator (Detail)} of each SystemExit attribution record. */
    private static List<String> attribution(ExitEvent event) {
        List<String> causes = new ArrayList<>();
        if (event.document() == null || event.document().attribution() == null) {
            return causes;
        }
        for (JsonNode record : event.document().attribution()) {
            JsonNode exit = record.path("SystemExit");
            String initiator = exit.path("Initiator").asText("");
            String detail = exit.path("Detail").asText("");
            if (!initiator.isEmpty()) {
                causes.add(detail.isEmpty() ? initiator : initiator + " (" + detail + ")");
            }
        }
        return causes;
    }
}
