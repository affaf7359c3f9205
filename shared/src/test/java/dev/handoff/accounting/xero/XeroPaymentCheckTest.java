package dev.handoff.accounting.xero;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.handoff.accounting.xero.XeroPaymentCheck.Mismatch;
import org.junit.jupiter.api.Test;

class XeroPaymentCheckTest {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    // R11 500.00 with R5 000.00 paid and a R1 500.00 credit note: every figure agrees.
    @Test
    void partPaidAndCreditedAgrees() {
        assertThat(XeroPaymentCheck.mismatches(invoice("""
                {"Status":"AUTHORISED","Total":11500.00,"AmountPaid":5000.00,"AmountCredited":1500.00,"AmountDue":5000.00,
                 "Payments":[{"Amount":5000.00}],"CreditNotes":[{"Total":1500.00}]}
                """))).isEmpty();
    }

    @Test
    void missingPaymentIsReported() {
        assertThat(XeroPaymentCheck.mismatches(invoice("""
                {"Status":"AUTHORISED","Total":11500.00,"AmountPaid":5000.00,"AmountCredited":1500.00,"AmountDue":5000.00,
                 "Payments":[],"CreditNotes":[{"Total":1500.00}]}
                """))).containsExactly(Mismatch.PAYMENTS_DIFFER_FROM_AMOUNT_PAID);
    }

    @Test
    void reversedPaymentIsNotCounted() {
        assertThat(XeroPaymentCheck.mismatches(invoice("""
                {"Status":"AUTHORISED","Total":11500.00,"AmountPaid":5000.00,"AmountCredited":0.00,"AmountDue":6500.00,
                 "Payments":[{"Amount":5000.00},{"Amount":2000.00,"Status":"DELETED"}]}
                """))).isEmpty();
    }

    // A credit note larger than what it settles here counts only its applied amount.
    @Test
    void creditNoteCountsAppliedAmount() {
        assertThat(XeroPaymentCheck.mismatches(invoice("""
                {"Status":"AUTHORISED","Total":11500.00,"AmountPaid":0.00,"AmountCredited":1500.00,"AmountDue":10000.00,
                 "Payments":[],"CreditNotes":[{"Total":3000.00,"AppliedAmount":1500.00}]}
                """))).isEmpty();
    }

    @Test
    void prepaymentAndOverpaymentCountAsCredited() {
        assertThat(XeroPaymentCheck.mismatches(invoice("""
                {"Status":"AUTHORISED","Total":11500.00,"AmountPaid":0.00,"AmountCredited":3000.00,"AmountDue":8500.00,
                 "Payments":[],"CreditNotes":[],"Prepayments":[{"AppliedAmount":2000.00}],
                 "Overpayments":[{"AppliedAmount":1000.00}]}
                """))).isEmpty();
    }

    @Test
    void unlistedCreditIsReported() {
        assertThat(XeroPaymentCheck.mismatches(invoice("""
                {"Status":"PAID","Total":11500.00,"AmountPaid":10000.00,"AmountCredited":1500.00,"AmountDue":0.00,
                 "Payments":[{"Amount":10000.00}],"CreditNotes":[]}
                """))).containsExactly(Mismatch.CREDITS_DIFFER_FROM_AMOUNT_CREDITED);
    }

    @Test
    void amountDueNotAddingUpIsReported() {
        assertThat(XeroPaymentCheck.mismatches(invoice("""
                {"Status":"AUTHORISED","Total":11500.00,"AmountPaid":5000.00,"AmountCredited":1500.00,"AmountDue":0.00}
                """))).containsExactly(Mismatch.AMOUNT_DUE_DIFFERS_FROM_TOTAL);
    }

    @Test
    void voidedInvoiceSkipsAmountDue() {
        assertThat(XeroPaymentCheck.mismatches(invoice("""
                {"Status":"VOIDED","Total":11500.00,"AmountPaid":0.00,"AmountCredited":0.00,"AmountDue":0.00}
                """))).isEmpty();
    }

    @Test
    void absentArraysAreNotChecked() {
        assertThat(XeroPaymentCheck.mismatches(invoice("""
                {"Status":"AUTHORISED","Total":11500.00,"AmountPaid":5000.00,"AmountCredited":1500.00,"AmountDue":5000.00}
                """))).isEmpty();
    }

    private static JsonNode invoice(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Invalid test JSON", e);
        }
    }
}
