from allauth.account.adapter import DefaultAccountAdapter


class CruxAccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        # The display name must be in place before the first save: the table refuses a blank one.
        # accounts.forms.SignupForm has already normalised and checked it.
        display_name = form.cleaned_data.get("display_name")
        if display_name:
            user.display_name = display_name
        return super().save_user(request, user, form, commit=commit)
