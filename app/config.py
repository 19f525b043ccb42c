"""Configuration from the environment, in one place.

Development needs no setup: SQLite under instance/, a SECRET_KEY generated once
into instance/, mail written to instance/outbox. Production (KNIPKAART_ENV=production)
is strict and refuses to start without its secrets.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path


class ConfigurationError(RuntimeError):
    """The environment does not hold what this mode of running needs."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "ja", "on"}


def _int(env: dict, name: str, default: int) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name} moet een geheel getal zijn, niet {raw!r}") from exc


def _positief(env: dict, name: str, default: float) -> float:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        waarde = float(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name} moet een getal zijn, niet {raw!r}") from exc
    if not waarde > 0:
        raise ConfigurationError(f"{name} moet groter dan 0 zijn")
    return waarde


def _secret_key(instance_path: Path) -> str:
    """Return a development secret, generated once and kept in instance/."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def load(instance_path: str, env: dict | None = None) -> dict:
    """Build the Flask config mapping from environment variables."""
    env = dict(os.environ if env is None else env)
    instance = Path(instance_path)
    mode = env.get("KNIPKAART_ENV", "development").strip().lower()
    if env.get("MAIL_BACKEND", "outbox") not in {"outbox", "smtp", "sendgrid"}:
        raise ConfigurationError("MAIL_BACKEND moet 'outbox', 'smtp' of 'sendgrid' zijn")
    if env.get("MAIL_BACKEND") == "sendgrid" and not env.get("SENDGRID_API_KEY"):
        raise ConfigurationError("MAIL_BACKEND=sendgrid vraagt SENDGRID_API_KEY")
    if mode not in {"development", "production"}:
        raise ConfigurationError("KNIPKAART_ENV moet 'development' of 'production' zijn")
    production = mode == "production"
    ratelimit_storage = env.get("RATELIMIT_STORAGE_URI", "memory://")
    web_workers = _int(env, "WEB_WORKERS", 2)

    database_url = env.get("DATABASE_URL", "")
    # Hosting platforms hand out postgres:// URLs; we talk to PostgreSQL through psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if database_url.startswith(prefix):
            database_url = "postgresql+psycopg://" + database_url[len(prefix):]
    secret_key = env.get("SECRET_KEY", "")
    if production:
        missing = [n for n, v in (("SECRET_KEY", secret_key), ("DATABASE_URL", database_url)) if not v]
        if missing:
            raise ConfigurationError(
                "Productie start niet zonder " + " en ".join(missing) + " (zie README, Operations)."
            )
        if not database_url.startswith("postgresql"):
            raise ConfigurationError("Productie draait op PostgreSQL: DATABASE_URL=postgresql+psycopg://...")
        if len(secret_key) < 32:
            raise ConfigurationError("SECRET_KEY moet minstens 32 tekens lang zijn")
        # memory:// counts per process: with N gunicorn workers the login limit would be N times as high.
        if ratelimit_storage.startswith("memory://") and web_workers > 1:
            raise ConfigurationError(
                f"RATELIMIT_STORAGE_URI=memory:// telt per proces; met WEB_WORKERS={web_workers} geldt de "
                "inloglimiet dan per worker. Zet RATELIMIT_STORAGE_URI op een gedeelde opslag "
                "(redis://host:6379/0) of draai met WEB_WORKERS=1 (zie README, Configuration).")
    else:
        database_url = database_url or f"sqlite:///{instance / 'knipkaart.sqlite'}"
        secret_key = secret_key or _secret_key(instance)
    mail_timeout = _positief(env, "MAIL_TIMEOUT_SECONDEN", 20.0)
    mail_lease = _int(env, "MAIL_LEASE_MINUTEN", 5)
    # A send must end well within the lease, or a second dispatcher takes the row over and sends it again.
    if mail_lease * 60 < 10 * mail_timeout:
        raise ConfigurationError("MAIL_LEASE_MINUTEN moet minstens tien keer MAIL_TIMEOUT_SECONDEN duren "
                                 f"(nu {mail_lease} minuten tegen {mail_timeout:g} seconden)")

    accounts = _accounts(env, production)

    return {
        **accounts,
        "KNIPKAART_ENV": mode,
        "ENV_PRODUCTION": production,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BASE_URL": env.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "GEMEENTE_NAAM": env.get("GEMEENTE_NAAM", "Gemeente Demostad"),
        "STANDAARD_QUOTUM": _int(env, "STANDAARD_QUOTUM", 5),
        # When approved maatwerk payments go to finance as one batch (weekdays, Europe/Amsterdam).
        "MAATWERK_BETAALMOMENTEN": env.get("MAATWERK_BETAALMOMENTEN", "09:00,13:00,16:00"),
        "LINK_GELDIG_DAGEN": _int(env, "LINK_GELDIG_DAGEN", 30),
        "RETENTION_MONTHS": _int(env, "RETENTION_MONTHS", 12),
        "MAIL_BACKEND": env.get("MAIL_BACKEND", "outbox"),
        "MAIL_FROM": env.get("MAIL_FROM", "Knipkaart <knipkaart@localhost>"),
        "OUTBOX_DIR": env.get("OUTBOX_DIR", str(instance / "outbox")),
        "SMTP_HOST": env.get("SMTP_HOST", "localhost"),
        "SMTP_PORT": _int(env, "SMTP_PORT", 25),
        "SMTP_USERNAME": env.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _bool(env.get("SMTP_STARTTLS"), False),
        "SENDGRID_API_KEY": env.get("SENDGRID_API_KEY", ""),
        "SENDGRID_API_HOST": env.get("SENDGRID_API_HOST", "https://api.sendgrid.com").rstrip("/"),
        "MAIL_TIMEOUT_SECONDEN": mail_timeout,
        "MAIL_LEASE_MINUTEN": mail_lease,
        "INBOUND_LOCALPART": env.get("INBOUND_LOCALPART", "zaak"),
        "INBOUND_DOMAIN": env.get("INBOUND_DOMAIN", "reply.localhost"),
        "INBOUND_USERNAME": env.get("INBOUND_USERNAME", "inbound"),
        # Development has a known password so the webhook can be tried by hand; production keeps it closed until set.
        "INBOUND_PASSWORD": env.get("INBOUND_PASSWORD", "" if production else "ontwikkeling"),
        "SENDGRID_INBOUND_PUBLIC_KEY": env.get("SENDGRID_INBOUND_PUBLIC_KEY", ""),
        "SENDGRID_EVENT_PUBLIC_KEY": env.get("SENDGRID_EVENT_PUBLIC_KEY", ""),
        "JSON_LOGS": _bool(env.get("JSON_LOGS"), production),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(env.get("SESSION_COOKIE_SECURE"), production),
        "REMEMBER_COOKIE_SECURE": _bool(env.get("SESSION_COOKIE_SECURE"), production),
        "WTF_CSRF_TIME_LIMIT": None,
        "RATELIMIT_STORAGE_URI": ratelimit_storage,
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "20 per minute"),
        # "Stuur mij mijn link" per client address (each address also gets at most 3 such mails a day).
        "MIJN_LINK_LIMIET": env.get("MIJN_LINK_LIMIET", "10 per hour"),
        "LOGIN_MAX_POGINGEN": _int(env, "LOGIN_MAX_POGINGEN", 5),
        "LOGIN_BLOKKADE_MINUTEN": _int(env, "LOGIN_BLOKKADE_MINUTEN", 15),
        "PROXY_FIX": _int(env, "PROXY_FIX", 0),
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    }


ROLLEN = ("beheerder", "management", "wijkteammanager", "medewerker", "rayonmanager")
# The BIO asks two factors for access to the residents' data; for these roles it cannot be switched off.
TWEE_FACTOREN_ALTIJD = ("beheerder", "management")


def _rollen(env: dict, name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    raw = env.get(name)
    if raw is None:
        return default
    rollen = tuple(r.strip().lower() for r in raw.replace(";", ",").split(",") if r.strip())
    onbekend = [r for r in rollen if r not in ROLLEN]
    if onbekend:
        raise ConfigurationError(f"{name}: onbekende rol {', '.join(onbekend)} (kies uit {', '.join(ROLLEN)})")
    return rollen


def groepen_rollen(raw: str) -> dict[str, tuple[str, str | None]]:
    """OIDC_GROEPEN_ROLLEN: 'groep=rol' or 'groep=rol:Wijkteam', separated by ';' or new lines."""
    uit: dict[str, tuple[str, str | None]] = {}
    for regel in raw.replace("\n", ";").split(";"):
        if not regel.strip():
            continue
        groep, is_, doel = regel.partition("=")
        rol, _, team = doel.partition(":")
        groep, rol, team = groep.strip(), rol.strip().lower(), team.strip()
        if not is_ or not groep or rol not in ROLLEN:
            raise ConfigurationError(f"OIDC_GROEPEN_ROLLEN: '{regel.strip()}' is niet 'groep=rol' of 'groep=rol:Wijkteam' "
                                     f"met een rol uit {', '.join(ROLLEN)}")
        if (rol in ("wijkteammanager", "medewerker")) != bool(team):
            raise ConfigurationError(f"OIDC_GROEPEN_ROLLEN: '{regel.strip()}': een wijkteammanager of medewerker "
                                     "hoort bij een wijkteam (groep=rol:Wijkteam), een andere rol niet")
        uit[groep] = (rol, team or None)
    return uit


def _accounts(env: dict, production: bool) -> dict:
    """Single sign-on (OpenID Connect), the second factor, password login per role, one-time links."""
    issuer = env.get("OIDC_ISSUER", "").strip().rstrip("/")
    client_id = env.get("OIDC_CLIENT_ID", "").strip()
    secret = env.get("OIDC_CLIENT_SECRET", "")
    if issuer and not (client_id and secret):
        raise ConfigurationError("OIDC_ISSUER vraagt ook OIDC_CLIENT_ID en OIDC_CLIENT_SECRET")
    if issuer and production and not issuer.startswith("https://"):
        raise ConfigurationError("OIDC_ISSUER moet in productie een https-adres zijn")
    groepen_claim = env.get("OIDC_GROEPEN_CLAIM", "").strip()
    mapping = groepen_rollen(env.get("OIDC_GROEPEN_ROLLEN", ""))
    if groepen_claim and not mapping:
        raise ConfigurationError("OIDC_GROEPEN_CLAIM vraagt OIDC_GROEPEN_ROLLEN (welke groep welke rol geeft)")
    aanmaken = tuple(g.strip() for g in env.get("OIDC_AANMAKEN_GROEPEN", "").split(";") if g.strip())
    niet_gekoppeld = [g for g in aanmaken if g not in mapping]
    if niet_gekoppeld or (aanmaken and not groepen_claim):
        raise ConfigurationError("OIDC_AANMAKEN_GROEPEN: alleen groepen uit OIDC_GROEPEN_ROLLEN, met "
                                 f"OIDC_GROEPEN_CLAIM gezet ({', '.join(niet_gekoppeld) or 'geen groepenclaim'})")
    wachtwoord_rollen = _rollen(env, "WACHTWOORD_LOGIN_ROLLEN", ROLLEN)
    if not issuer and set(wachtwoord_rollen) != set(ROLLEN):
        raise ConfigurationError("WACHTWOORD_LOGIN_ROLLEN laat rollen zonder wachtwoord, maar er is geen "
                                 "OIDC_ISSUER: zij zouden niet kunnen inloggen")
    tweede_factor = _rollen(env, "TWEEDE_FACTOR_ROLLEN", TWEE_FACTOREN_ALTIJD)
    ontbreekt = [r for r in TWEE_FACTOREN_ALTIJD if r not in tweede_factor]
    if ontbreekt:
        raise ConfigurationError("TWEEDE_FACTOR_ROLLEN moet beheerder en management bevatten (BIO); "
                                 f"nu ontbreekt {', '.join(ontbreekt)}")
    return {
        "OIDC_ISSUER": issuer,
        "OIDC_CLIENT_ID": client_id,
        "OIDC_CLIENT_SECRET": secret,
        "OIDC_SCOPES": env.get("OIDC_SCOPES", "openid email profile").strip(),
        "OIDC_EMAIL_CLAIM": env.get("OIDC_EMAIL_CLAIM", "email").strip(),
        "OIDC_EMAIL_VERIFIED_CLAIM": env.get("OIDC_EMAIL_VERIFIED_CLAIM", "email_verified").strip(),
        "OIDC_GROEPEN_CLAIM": groepen_claim,
        "OIDC_GROEPEN_ROLLEN": mapping,
        "OIDC_AANMAKEN_GROEPEN": aanmaken,
        "OIDC_KNOPTEKST": env.get("OIDC_KNOPTEKST", "Inloggen met uw gemeenteaccount").strip(),
        "OIDC_KLOKMARGE_SECONDEN": _int(env, "OIDC_KLOKMARGE_SECONDEN", 60),
        "OIDC_UITLOGGEN_BIJ_PROVIDER": _bool(env.get("OIDC_UITLOGGEN_BIJ_PROVIDER"), True),
        "WACHTWOORD_LOGIN_ROLLEN": wachtwoord_rollen,
        "TWEEDE_FACTOR_ROLLEN": tweede_factor,
        "UITNODIGING_GELDIG_DAGEN": _int(env, "UITNODIGING_GELDIG_DAGEN", 7),
        "HERSTEL_GELDIG_MINUTEN": _int(env, "HERSTEL_GELDIG_MINUTEN", 60),
    }
