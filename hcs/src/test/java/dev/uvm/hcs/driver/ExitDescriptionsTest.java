package dev.uvm.hcs.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uvm.hcs.ExitEvent;
import dev.uvm.hcs.raw.HResult;
import dev.uvm.hcs.schema.ExitType;
import dev.uvm.hcs.schema.SystemExitStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sentences sessions and logs see when an HCS VM stops. */
class ExitDescriptionsTest {

    @Test
    void unexpectedExit_namesTheExitTypeStatusAndInitiator() throws Exception {
        SystemExitStatus status = new SystemExitStatus(HResult.HCS_E_UNEXPECTED_EXIT, ExitType.UNEXPECTED_EXIT,
                List.of(new ObjectMapper().readTree("{\"SystemExit\":{\"Detail\":\"Crash\",\"Initiator\":\"GuestOS\"}}")));

        String text = ExitDescriptions.describe(new ExitEvent("uvm-x", ExitEvent.Reason.UNEXPECTED,
                HResult.HCS_E_UNEXPECTED_EXIT, status));

        assertEquals("HCS system uvm-x stopped: UnexpectedExit, status HCS_E_UNEXPECTED_EXIT (0x80370106),"
                + " initiated by GuestOS (Crash)", text);
    }

    @Test
    void gracefulExit_withoutDocument_isShort() {
        assertEquals("HCS system uvm-x stopped: GracefulExit", ExitDescriptions.describe(
                new ExitEvent("uvm-x", ExitEvent.Reason.GRACEFUL, HResult.S_OK, null)));
    }

    @Test
    void serviceDisconnect_saysTheServiceWasLost() {
        assertEquals("HCS system uvm-x was lost: the HCS service disconnected (ServiceDisconnect)",
                ExitDescriptions.describe(new ExitEvent("uvm-x", ExitEvent.Reason.SERVICE_DISCONNECTED,
                        HResult.HCS_E_SERVICE_DISCONNECT, null)));
    }
}
