"""The password hasher: Argon2id at parameters that cost tens of milliseconds here.

Django's own Argon2 parameters (102,400 KiB, 2 passes, 8 lanes) cost about 250 ms of CPU
per sign-in on the project's 2-core machine, and PBKDF2's 1,000,000 iterations about
300-450 ms. These are OWASP's password storage cheat sheet's first Argon2id choice
(19 MiB, 2 passes, 1 lane): about 25 ms here (README, "Passwords"). A stored hash with
other parameters (or a PBKDF2 hash) is re-hashed with these at the next sign-in
(Django's check_password asks must_update).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    # The same algorithm name as Django's, so hashes made at Django's parameters verify
    # here and are upgraded (must_update compares the parameters).
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
