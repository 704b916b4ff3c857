"""What a person's authenticator app would show, for the tests that sign in with it."""

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def app_code(device: TOTPDevice) -> str:
    """The code the app shows now, or at the next step if now's code was already used
    (a code works once); waits for a later step if even that one was used. An unsaved
    device stands for an app that knows only its key."""
    if device.pk:
        device.refresh_from_db()
    while True:
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        step = max(totp.t(), device.last_t + 1)
        if step <= totp.t() + device.tolerance:
            totp.time = device.t0 + step * device.step
            return f"{totp.token():0{device.digits}d}"
        time.sleep(device.step - (totp.time - device.t0) % device.step + 0.05)
