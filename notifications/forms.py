from django import forms

from notifications.models import Preferences


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Preferences
        fields = ["follow_own", "email_replies", "digest"]
        widgets = {"digest": forms.RadioSelect}
        help_texts = {
            "email_replies": "One email for each reply to your arguments and motions.",
            "digest": "Unread notifications you were not emailed about already.",
        }
