from django.contrib import admin

from cxgov.registry.models import Service


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "agency", "status", "is_hisp")
    list_filter = ("status", "is_hisp", "agency")
    search_fields = ("name",)
