package dev.handoff.local.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.local.runtime.FunctionMetrics.Invocation;
import dev.handoff.simulator.SimulatedRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyAttributionTest {

    private static final long MS = 1_000_000;

    @Test
    void apiTimeIsSubtractedFromItsInvocation() {
        Invocation upsert = new Invocation("CustomerUpsertFunction", 1, 0, 100 * MS);
        SimulatedRequest crm = request("hubspot", 10 * MS, 30 * MS);
        SimulatedRequest accounting = request("xero", 40 * MS, 50 * MS);

        List<PipelineBenchmark.Latency> latency = PipelineBenchmark.latency(List.of(upsert), List.of(crm, accounting));

        assertThat(latency).hasSize(1);
        assertThat(latency.get(0).p50Millis()).isEqualTo(70.0);
        assertThat(latency.get(0).meanApiMillis()).isEqualTo(30.0);
    }

    @Test
    void overlappingRequestGoesToLaterInvocation() {
        Invocation upsert = new Invocation("CustomerUpsertFunction", 1, 0, 100 * MS);
        Invocation invoice = new Invocation("InvoiceCreationFunction", 1, 90 * MS, 200 * MS);
        SimulatedRequest accounting = request("xero", 95 * MS, 120 * MS);

        List<PipelineBenchmark.Latency> latency = PipelineBenchmark.latency(List.of(upsert, invoice), List.of(accounting));

        assertThat(latency.get(0).function()).isEqualTo("CustomerUpsertFunction");
        assertThat(latency.get(0).p50Millis()).isEqualTo(100.0);
        assertThat(latency.get(1).function()).isEqualTo("InvoiceCreationFunction");
        assertThat(latency.get(1).p50Millis()).isEqualTo(85.0);
    }

    @Test
    void percentilesUseNearestRank() {
        List<Double> values = List.of(5.0, 1.0, 4.0, 2.0, 3.0);

        assertThat(Percentiles.of(values, 0.5)).isEqualTo(3.0);
        assertThat(Percentiles.of(values, 0.99)).isEqualTo(5.0);
        assertThat(Percentiles.of(List.of(), 0.5)).isZero();
    }

    private static SimulatedRequest request(String api, long start, long end) {
        return new SimulatedRequest(api, null, "GET", "/", 200, start, end);
    }
}
