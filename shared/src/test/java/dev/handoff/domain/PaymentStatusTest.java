package dev.handoff.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.accounting.AccountingInvoice;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PaymentStatusTest {

    @Test
    void paymentPlusCreditNoteIsPartiallyPaid() {
        AccountingInvoice invoice = invoice("AUTHORISED", "11500.00", "5000.00", "1500.00", "5000.00");

        assertThat(PaymentStatus.of(invoice)).isEqualTo(PaymentStatus.PARTIALLY_PAID);
        assertThat(PaymentStatus.settledFraction(invoice)).isEqualByComparingTo("0.5652");
    }

    @Test
    void authorisedWithNothingPaidIsAuthorised() {
        assertThat(PaymentStatus.of(invoice("AUTHORISED", "11500.00", "0.00", "0.00", "11500.00"))).isEqualTo(PaymentStatus.AUTHORISED);
    }

    @Test
    void paidStatusOrNothingDueIsPaid() {
        assertThat(PaymentStatus.of(invoice("PAID", "11500.00", "11500.00", "0.00", "0.00"))).isEqualTo(PaymentStatus.PAID);
        assertThat(PaymentStatus.of(invoice("AUTHORISED", "11500.00", "10000.00", "1500.00", "0.00"))).isEqualTo(PaymentStatus.PAID);
    }

    @Test
    void voidedAndDeletedAreVoided() {
        assertThat(PaymentStatus.of(invoice("VOIDED", "11500.00", "0.00", "0.00", "0.00"))).isEqualTo(PaymentStatus.VOIDED);
        assertThat(PaymentStatus.of(invoice("DELETED", "11500.00", "0.00", "0.00", "0.00"))).isEqualTo(PaymentStatus.VOIDED);
    }

    @ParameterizedTest
    @CsvSource({
        "VOIDED,     11500.00, 0.00,     0.00,    11500.00, VOIDED",
        "DELETED,    11500.00, 0.00,     0.00,    11500.00, VOIDED",
        "PAID,       11500.00, 11500.00, 0.00,    0.00,     PAID",
        "AUTHORISED, 11500.00, 10000.00, 1500.00, 0.00,     PAID",
        "AUTHORISED, 11500.00, 0.00,     0.00,    11500.00, AUTHORISED",
        "AUTHORISED, 0.00,     0.00,     0.00,    0.00,     AUTHORISED",
        "AUTHORISED, 11500.00, 0.00,     1500.00, 10000.00, PARTIALLY_PAID",
        "PAID,       11500.00, 0.00,     11500.00, 0.00,    PAID",
        "AUTHORISED, 11500.00, 5000.00,  6500.00, 0.00,     PAID",
        "DRAFT,      11500.00, 0.00,     0.00,    11500.00, DRAFT",
        "SUBMITTED,  11500.00, 0.00,     0.00,    11500.00, SUBMITTED",
    })
    void statusFollowsAmounts(String status, String total, String paid, String credited, String due, PaymentStatus expected) {
        assertThat(PaymentStatus.of(invoice(status, total, paid, credited, due))).isEqualTo(expected);
    }

    @Test
    void zeroTotalHasZeroSettledFraction() {
        assertThat(PaymentStatus.settledFraction(invoice("AUTHORISED", "0.00", "0.00", "0.00", "0.00"))).isEqualByComparingTo("0");
    }

    @Test
    void settledFractionComparedExactly() {
        AccountingInvoice justUnder = invoice("AUTHORISED", "100000.00", "49996.00", "0.00", "50004.00");
        AccountingInvoice exactlyHalf = invoice("AUTHORISED", "100000.00", "40000.00", "10000.00", "50000.00");

        assertThat(PaymentStatus.isSettledAtLeast(justUnder, new BigDecimal("0.50"))).isFalse();
        assertThat(PaymentStatus.isSettledAtLeast(exactlyHalf, new BigDecimal("0.50"))).isTrue();
        assertThat(PaymentStatus.isSettledAtLeast(invoice("AUTHORISED", "0.00", "0", "0", "0"), new BigDecimal("0.50"))).isFalse();
    }

    @Test
    void unknownStatusIsRejected() {
        assertThatThrownBy(() -> PaymentStatus.of(invoice("ARCHIVED", "1.00", "0", "0", "1.00")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ARCHIVED");
    }

    private static AccountingInvoice invoice(String status, String total, String paid, String credited, String due) {
        return new AccountingInvoice("8e2b1c44-0000-4000-8000-000000000001", "INV-0001", "HS-48000000001", status, "ZAR",
                null, null, new BigDecimal(total), new BigDecimal(due), new BigDecimal(paid), new BigDecimal(credited), null);
    }
}
