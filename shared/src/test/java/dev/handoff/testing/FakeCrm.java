package dev.handoff.testing;

import dev.handoff.crm.CrmClient;
import dev.handoff.crm.CrmDeal;
import dev.handoff.crm.DealMergedException;
import dev.handoff.error.NotFoundException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** An in-memory CRM for service tests: deals to read, and a record of every write. */
public class FakeCrm implements CrmClient {

    public record Update(String dealId, Map<String, String> properties) {
    }

    public record Note(String dealId, String text) {
    }

    private final Map<String, CrmDeal> deals = new HashMap<>();
    private final Map<String, String> survivingDealIds = new HashMap<>();
    public final List<Update> updates = new CopyOnWriteArrayList<>();
    public final List<Note> notes = new CopyOnWriteArrayList<>();
    public int reads;

    public FakeCrm put(CrmDeal deal) {
        deals.put(deal.id(), deal);
        return this;
    }

    /** Deletes the deal, as a CRM user might between the webhook and the read. */
    public FakeCrm remove(String dealId) {
        deals.remove(dealId);
        return this;
    }

    /** Merges the deal into another, so reading it fails as HubSpot's returning the surviving deal does. */
    public FakeCrm merge(String mergedDealId, String survivingDealId) {
        survivingDealIds.put(mergedDealId, survivingDealId);
        return this;
    }

    @Override
    public synchronized CrmDeal readDeal(String dealId) {
        reads++;
        if (survivingDealIds.containsKey(dealId)) {
            throw new DealMergedException(dealId, survivingDealIds.get(dealId));
        }
        CrmDeal deal = deals.get(dealId);
        if (deal == null) {
            throw new NotFoundException("HubSpot read deal failed with HTTP 404");
        }
        return deal;
    }

    @Override
    public void updateDeal(String dealId, Map<String, String> properties) {
        updates.add(new Update(dealId, Map.copyOf(properties)));
    }

    @Override
    public void addDealNote(String dealId, String text) {
        notes.add(new Note(dealId, text));
    }

    /** Returns the latest value written to each deal property, merged over all updates. */
    public Map<String, String> dealProperties(String dealId) {
        Map<String, String> merged = new HashMap<>();
        for (Update update : new ArrayList<>(updates)) {
            if (update.dealId().equals(dealId)) {
                merged.putAll(update.properties());
            }
        }
        return merged;
    }
}
