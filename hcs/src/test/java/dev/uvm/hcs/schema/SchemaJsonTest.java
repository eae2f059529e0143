package dev.uvm.hcs.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON documents HCS returns, including the shapes seen from real hosts. */
class SchemaJsonTest {

    @Test
    void statistics_zeroCountersOmitted_readAsNull() {
        Properties properties = HcsJson.read("""
                {"Id":"uvm-1","SystemType":"VirtualMachine","State":"Running","RuntimeId":"5c0c2a4e-0000-4000-8000-000000000001",
                 "Statistics":{"Timestamp":"2026-08-25T23:32:19.0685861Z","Uptime100ns":12345678,
                               "Memory":{"MemoryUsageCommitBytes":1073741824}}}""", Properties.class);

        Statistics statistics = properties.statistics();
        assertEquals(SystemState.RUNNING, properties.state());
        assertEquals(12345678L, statistics.uptime100ns());
        assertEquals(1073741824L, statistics.memory().memoryUsageCommitBytes());
        assertNull(statistics.memory().memoryUsagePrivateWorkingSetBytes());
        assertNull(statistics.processor());
    }

    @Test
    void properties_unknownFieldsAndStates_areTolerated() {
        Properties properties = HcsJson.read("""
                {"Id":"x","State":"Hibernating","ExitType":"SomethingNew","NewField":{"a":1}}""", Properties.class);

        assertEquals(SystemState.UNKNOWN, properties.state());
        assertEquals(ExitType.UNKNOWN, properties.exitType());
    }

    @Test
    void systemExitStatus_readsStatusTypeAndAttribution() {
        SystemExitStatus status = HcsJson.read("""
                {"Status":-2143878906,"ExitType":"UnexpectedExit",
                 "Attribution":[{"SystemExit":{"Detail":"UnexpectedExit","Initiator":"Internal"}}]}""",
                SystemExitStatus.class);

        assertEquals(0x80370106, status.status());
        assertEquals(ExitType.UNEXPECTED_EXIT, status.exitType());
        assertEquals("Internal", status.attribution().get(0).at("/SystemExit/Initiator").asText());
    }

    @Test
    void resultError_fromField_readsEventsAndV1Code() {
        ResultError error = HcsJson.read("""
                {"Error":-1070137075,"ErrorMessage":"The data is invalid.",
                 "ErrorEvents":[{"Message":"Invalid JSON document '$'","Provider":"17103e3f-3c6e-4677-bb17-3b267eb5be57",
                                 "EventId":11000,"Data":[{"Type":"String","Value":"$"}]}]}""", ResultError.class);

        assertEquals(0xC037010D, error.error());
        assertEquals("Invalid JSON document '$'", error.errorEvents().get(0).message());
        assertEquals(11000, error.errorEvents().get(0).eventId());
        assertEquals("$", error.errorEvents().get(0).data().get(0).value());
    }

    @Test
    void write_omitsNullsAndUsesWireNames() {
        String json = HcsJson.write(new ModifySettingRequest(ModifySettingRequest.MEMORY_SIZE, "Update", 2048, null));

        assertEquals("{\"ResourcePath\":\"VirtualMachine/ComputeTopology/Memory/SizeInMB\",\"RequestType\":\"Update\","
                + "\"Settings\":2048}", json);
        assertEquals("{\"PropertyTypes\":[\"Statistics\",\"Memory\"]}",
                HcsJson.write(PropertyQuery.of(PropertyQuery.STATISTICS, PropertyQuery.MEMORY)));
        assertEquals("{\"Ids\":[\"a\"]}", HcsJson.write(SystemQuery.ids("a")));
        assertEquals("{\"Mechanism\":\"IntegrationService\",\"Type\":\"Shutdown\"}",
                HcsJson.write(ShutdownOptions.integrationService()));
        assertEquals("{}", HcsJson.write(Plan9.empty()));
        assertEquals(List.of(), new Plan9(List.of()).shares());
    }
}
