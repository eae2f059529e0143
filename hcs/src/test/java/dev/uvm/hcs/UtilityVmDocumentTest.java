package dev.uvm.hcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uvm.hcs.schema.HcsJson;
import org.junit.jupiter.api.Test;

class UtilityVmDocumentTest {

    private static JsonNode document(LinuxUtilityVmSpec spec) throws Exception {
        return HcsJson.mapper().readTree(HcsJson.write(UtilityVmDocument.build(spec)));
    }

    @Test
    void build_minimalSpec_isKernelDirectVmWithWslStyleDefaults() throws Exception {
        JsonNode doc = document(LinuxUtilityVmSpec.builder()
                .kernel("C:\\vm\\vmlinux").initrd("C:\\vm\\initrd.img").commandLine("panic=-1")
                .memoryMb(2048).processors(4).build());

        assertEquals("uvm", doc.get("Owner").asText());
        assertEquals(2, doc.at("/SchemaVersion/Major").asInt());
        assertEquals(3, doc.at("/SchemaVersion/Minor").asInt());
        assertTrue(doc.get("ShouldTerminateOnLastHandleClosed").asBoolean());
        assertTrue(doc.at("/VirtualMachine/StopOnReset").asBoolean());
        assertEquals("C:\\vm\\vmlinux", doc.at("/VirtualMachine/Chipset/LinuxKernelDirect/KernelFilePath").asText());
        assertEquals("C:\\vm\\initrd.img", doc.at("/VirtualMachine/Chipset/LinuxKernelDirect/InitRdPath").asText());
        assertEquals("panic=-1", doc.at("/VirtualMachine/Chipset/LinuxKernelDirect/KernelCmdLine").asText());
        assertEquals(2048, doc.at("/VirtualMachine/ComputeTopology/Memory/SizeInMB").asLong());
        assertTrue(doc.at("/VirtualMachine/ComputeTopology/Memory/AllowOvercommit").asBoolean());
        assertEquals(4, doc.at("/VirtualMachine/ComputeTopology/Processor/Count").asInt());
        assertEquals("D:P(A;;FA;;;SY)(A;;FA;;;BA)",
                doc.at("/VirtualMachine/Devices/HvSocket/HvSocketConfig/DefaultBindSecurityDescriptor").asText());
        assertEquals(0, doc.at("/VirtualMachine/Devices/Plan9").size(), "Plan9 is present and empty");
        assertTrue(doc.at("/VirtualMachine/Devices/ComPorts").isMissingNode());
        assertFalse(doc.at("/VirtualMachine").has("GuestConnection"));
    }

    @Test
    void build_oddMemory_isRoundedUpToEven() throws Exception {
        JsonNode doc = document(LinuxUtilityVmSpec.builder().kernel("k").memoryMb(1023).processors(1).build());

        assertEquals(1024, doc.at("/VirtualMachine/ComputeTopology/Memory/SizeInMB").asLong());
    }

    @Test
    void build_consoleAndShare_addComPortZeroAndReadOnlyShare() throws Exception {
        JsonNode doc = document(LinuxUtilityVmSpec.builder().kernel("k")
                .consolePipe("\\\\.\\pipe\\vm-console")
                .plan9Share(Plan9ShareSpec.of("src", "C:\\src", true))
                .terminateOnLastHandleClosed(false).build());

        assertEquals("\\\\.\\pipe\\vm-console", doc.at("/VirtualMachine/Devices/ComPorts/0/NamedPipe").asText());
        JsonNode share = doc.at("/VirtualMachine/Devices/Plan9/Shares/0");
        assertEquals("src", share.get("Name").asText());
        assertEquals("src", share.get("AccessName").asText());
        assertEquals(564, share.get("Port").asInt());
        assertEquals(1, share.get("Flags").asInt());
        assertFalse(doc.get("ShouldTerminateOnLastHandleClosed").asBoolean());
    }
}
