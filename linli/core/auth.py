"""Sign-in with a username or a mobile number."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from linli.people.validators import normalise_mobile


class UsernameOrMobileBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            mobile = normalise_mobile(username)
            if mobile.isdigit() and len(mobile) == 11:
                user = User.objects.filter(person__mobile=mobile).first()
        if user is None:
            User().set_password(password)  # same work as a real check, against timing attacks
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
