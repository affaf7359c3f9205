package dev.handoff.function.paymentsync;

import dev.handoff.crm.CrmClient;
import dev.handoff.crm.CrmDeal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** An in-memory CRM that records deal updates: payment sync writes the invoice status and never reads deals. */
final class FakeCrm implements CrmClient {

    final List<Map<String, String>> updates = new CopyOnWriteArrayList<>();

    @Override
    public CrmDeal readDeal(String dealId) {
        throw new UnsupportedOperationException("readDeal: payment sync must not read deals");
    }

    @Override
    public void updateDeal(String dealId, Map<String, String> properties) {
        updates.add(Map.copyOf(properties));
    }

    @Override
    public void addDealNote(String dealId, String text) {
        throw new UnsupportedOperationException("addDealNote: payment sync does not block handoffs");
    }
}
