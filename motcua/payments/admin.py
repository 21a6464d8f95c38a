from django.contrib import admin

from motcua.payments.models import Payment, PaymentNotice, PaymentPolicy


@admin.register(PaymentPolicy)
class PaymentPolicyAdmin(admin.ModelAdmin):
    list_display = ["procedure_code", "pay_before_reception"]
    list_editable = ["pay_before_reception"]
    search_fields = ["procedure_code"]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["order_code", "dossier", "amount", "method", "status", "receipt_number", "paid_at"]
    list_filter = ["status", "method"]
    search_fields = ["order_code", "dossier__code", "receipt_number", "transaction_id"]
    readonly_fields = [f.name for f in Payment._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(PaymentNotice)
class PaymentNoticeAdmin(admin.ModelAdmin):
    list_display = ["received_at", "outcome", "signature_valid", "payment", "note"]
    list_filter = ["outcome", "signature_valid"]
    readonly_fields = [f.name for f in PaymentNotice._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
