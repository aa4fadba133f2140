import ipaddress
import os
import socket
from dataclasses import dataclass, field

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from hypothesis import settings as hypothesis_settings

from heft.accounts.models import Role
from heft.accounts.permissions import STAFF_ROLES
from tests import factories as f

ROLES = [r.value for r in Role]

# In CI every property test explores the same examples each run, so a landing never hangs on a lucky draw;
# locally they draw new examples each run and so keep looking for new failures.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


def _is_local(address) -> bool:
    if not isinstance(address, tuple):
        return True  # Unix sockets
    host = address[0]
    if host in {"localhost", ""}:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Tests reach nothing beyond this machine: the database and the live server only."""
    real_connect = socket.socket.connect

    def guarded_connect(sock, address):
        if not _is_local(address):
            raise OSError(f"Network access is blocked in tests: {address!r}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


def give_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


@dataclass
class World:
    """Two regions, each with a scheme, rotation and trainee; one user per role scoped to region A."""

    region_a: object
    region_b: object
    scheme_a: object
    scheme_b: object
    rotation_a: object
    rotation_b: object
    practice: object
    trainee_a: object  # the signed-in trainee
    trainee_a2: object  # another trainee in scheme A, assigned to the mentor
    trainee_b: object
    users: dict = field(default_factory=dict)

    def user(self, role: str):
        return self.users[role]


@pytest.fixture
def world(db) -> World:
    region_a = f.RegionFactory(code="region-a", name="Region A")
    region_b = f.RegionFactory(code="region-b", name="Region B")
    scheme_a = f.SchemeFactory(code="scheme-a", name="Scheme A", region=region_a)
    scheme_b = f.SchemeFactory(code="scheme-b", name="Scheme B", region=region_b)
    practice = f.PracticeFactory(region=region_a, imd_decile=1, is_deep_end=True)
    rotation_a = f.SlotFactory(rotation__scheme=scheme_a, rotation__code="ROT-A").rotation
    rotation_b = f.SlotFactory(rotation__scheme=scheme_b, rotation__code="ROT-B").rotation
    trainee_a = f.MembershipFactory(scheme=scheme_a).trainee
    trainee_a2 = f.MembershipFactory(scheme=scheme_a).trainee
    trainee_b = f.MembershipFactory(scheme=scheme_b).trainee
    world = World(
        region_a,
        region_b,
        scheme_a,
        scheme_b,
        rotation_a,
        rotation_b,
        practice,
        trainee_a,
        trainee_a2,
        trainee_b,
    )
    scopes = {
        Role.NATIONAL_ADMIN: {},
        Role.REGIONAL_LEAD: {"region": region_a},
        Role.SCHEME_ADMIN: {"scheme": scheme_a},
        Role.EDUCATOR: {"region": region_a},
        Role.MENTOR: {},
        Role.TRAINEE: {},
    }
    for role, scope in scopes.items():
        user = f.UserFactory(email=f"{role}@example.org")
        f.RoleFactory(user=user, role=role, **scope)
        if role in STAFF_ROLES:
            give_totp(user)
        world.users[role.value] = user
    trainee_a.user = world.user("trainee")
    trainee_a.save()
    mentor = f.MentorFactory(user=world.user("mentor"), region=region_a)
    f.MentorAssignmentFactory(mentor=mentor, trainee=trainee_a2)
    return world


@pytest.fixture
def client_for(client, world):
    """A test client signed in as the given role ('anonymous' for none)."""

    def sign_in(role: str):
        client.logout()
        if role != "anonymous":
            client.force_login(world.user(role))
        return client

    return sign_in
