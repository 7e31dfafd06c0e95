from django.contrib import admin

from cxgov.registry.models import Agency, Service


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "abbreviation", "slug", "parent")
    search_fields = ("name", "abbreviation", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "agency", "status", "is_hisp")
    list_filter = ("status", "is_hisp", "agency")
    search_fields = ("name",)
