"""Django settings for Provider Hub, read from the environment (see README, "Configuration").

Embedded defaults need nothing installed: SQLite under var/, an in-memory channel
layer, local Qdrant, Celery over a broker on the local disk. Setting REDIS_URL,
DATABASE_URL and QDRANT_URL switches each part to its scaled-out server.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import csp.constants as csp

from hub import config

BASE_DIR = Path(__file__).resolve().parent.parent

try:
    DEBUG = config.read_bool("DEBUG", default=False)
    DATA_DIR = Path(config.env.str("HUB_DATA_DIR", default=str(BASE_DIR / "var"))).resolve()
    # Keys made once and kept under HUB_DATA_DIR when the environment gives none: in
    # development, and for `make run` (which runs with DEBUG off, as production does).
    GENERATE_KEYS = config.read_bool("HUB_GENERATE_KEYS", default=DEBUG)
    SECRET_KEY = config.read_or_create_secret_key(DATA_DIR, generate=GENERATE_KEYS)
    HUB_ENCRYPTION_KEYS = config.read_or_create_encryption_keys(DATA_DIR, generate=GENERATE_KEYS)
    DATABASES = {
        "default": config.read_database(
            "DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'hub.sqlite3'}"
        )
    }
    REDIS_URL = config.read_url("REDIS_URL", ("redis", "rediss", "unix"))
    QDRANT_URL = config.read_url("QDRANT_URL", ("http", "https"))
    EMAIL_CONFIG = config.read_email("EMAIL_URL", default="consolemail://")
    ALLOWED_HOSTS = config.read_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
    CSRF_TRUSTED_ORIGINS = config.read_list("CSRF_TRUSTED_ORIGINS", [])
    LOG_LEVEL = config.env.str("LOG_LEVEL", default="INFO").upper()
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = config.read_bool("SECURE_COOKIES", default=False)
    # Seconds an upstream call may take: connecting, until the first token, in all.
    HUB_UPSTREAM_CONNECT_TIMEOUT = config.read_positive_float("HUB_UPSTREAM_CONNECT_TIMEOUT", 5.0)
    HUB_UPSTREAM_FIRST_TOKEN_TIMEOUT = config.read_positive_float(
        "HUB_UPSTREAM_FIRST_TOKEN_TIMEOUT", 60.0
    )
    HUB_UPSTREAM_TOTAL_TIMEOUT = config.read_positive_float("HUB_UPSTREAM_TOTAL_TIMEOUT", 600.0)
    # Seconds one provider's health check may take before it counts as failed.
    HUB_HEALTH_CHECK_TIMEOUT = config.read_positive_float("HUB_HEALTH_CHECK_TIMEOUT", 10.0)
    # Attempts per candidate before falling back to the next (the first one included).
    HUB_RETRY_ATTEMPTS = int(config.read_positive_float("HUB_RETRY_ATTEMPTS", 2))
    # A deployment's circuit breaker opens after this many consecutive failures...
    HUB_BREAKER_FAILURES = int(config.read_positive_float("HUB_BREAKER_FAILURES", 5))
    # ...and lets one probe through after this many seconds.
    HUB_BREAKER_COOLDOWN = config.read_positive_float("HUB_BREAKER_COOLDOWN", 30.0)
    # A workbench answer still streaming with no heartbeat for this many seconds was left by
    # a server process that died: it is shown as interrupted, with retry.
    HUB_WORKBENCH_STALE_SECONDS = config.read_positive_float("HUB_WORKBENCH_STALE_SECONDS", 30.0)
    # Seconds a web process keeps serving the keys and workspace routing it loaded before,
    # while the database cannot be reached (a failover, a restart): calls go on, records wait.
    HUB_OUTAGE_GRACE_SECONDS = config.read_positive_float("HUB_OUTAGE_GRACE_SECONDS", 600.0)
    # Largest file any import takes (prompt libraries, ChatGPT / Claude / hub conversations).
    HUB_IMPORT_MAX_BYTES = int(config.read_positive_float("HUB_IMPORT_MAX_BYTES", 50 * 1024 * 1024))
    # Seconds browsers remember to use HTTPS only (HSTS), sent when SECURE_COOKIES is on.
    HUB_HSTS_SECONDS = config.read_count("HUB_HSTS_SECONDS", 31_536_000)
    # Failed logins before a username, or an address, is locked out, and for how long; an
    # admin clears a lockout sooner. 0 turns the lockout off.
    HUB_LOGIN_FAILURE_LIMIT = config.read_count("HUB_LOGIN_FAILURE_LIMIT", 5)
    HUB_LOGIN_LOCKOUT_MINUTES = config.read_positive_float("HUB_LOGIN_LOCKOUT_MINUTES", 15.0)
    # Failed API-key lookups an address may make in a clock minute before the rest of that
    # minute's are refused (429). 0 turns the limit off.
    HUB_API_KEY_FAILURES_PER_MINUTE = config.read_count("HUB_API_KEY_FAILURES_PER_MINUTE", 30)
    # Days a /v1/responses answer stored for previous_response_id is kept; 0 stores none.
    HUB_RESPONSES_RETENTION_DAYS = config.read_count("HUB_RESPONSES_RETENTION_DAYS", 30)
    # RAG: files one collection upload may hold (a ZIP's members count), and the largest one.
    HUB_RAG_MAX_FILES = int(config.read_positive_float("HUB_RAG_MAX_FILES", 200))
    HUB_RAG_MAX_FILE_BYTES = int(
        config.read_positive_float("HUB_RAG_MAX_FILE_BYTES", 50 * 1024 * 1024)
    )
    # Chunks embedded per call to the embedding model.
    HUB_RAG_EMBED_BATCH = int(config.read_positive_float("HUB_RAG_EMBED_BATCH", 32))
    # A sentence-transformers cross-encoder on disk (a folder), offered as a collection's
    # reranker; no package ships one, so there is none unless this names a folder.
    HUB_RAG_CROSS_ENCODER = config.env.str("HUB_RAG_CROSS_ENCODER", default="")
    # Evaluation runs: cells called at once per provider, and the most cells one run may have.
    HUB_EVAL_CONCURRENCY = int(config.read_positive_float("HUB_EVAL_CONCURRENCY", 4))
    HUB_EVAL_MAX_CELLS = int(config.read_positive_float("HUB_EVAL_MAX_CELLS", 10_000))
    # Agents' HTTP and custom tools may reach private addresses only when a site
    # administrator allows it (the private-address guard of providers, checked at connect).
    HUB_TOOLS_ALLOW_PRIVATE = config.read_bool("HUB_TOOLS_ALLOW_PRIVATE", default=False)
    # Documents the embedded ingestion worker works on at once.
    HUB_RAG_INGEST_CONCURRENCY = int(config.read_positive_float("HUB_RAG_INGEST_CONCURRENCY", 3))
except config.ConfigurationError as error:
    config.exit_with(error)

DATA_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "servestatic.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_celery_beat",
    "axes",
    "channels",
    "hub",
    "workspaces",
    "providers",
    "analytics",
    "routing",
    "hub.workbench",
    "hub.prompts",
    "hub.evals",
    "rag",
    "agents",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "servestatic.middleware.ServeStaticMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it turns a lockout into the lockout page
]

# Login throttling (django-axes): failures are counted per username and per address, in the
# database, so every replica sees them. A success does not wipe an address's failures (an
# attacker with an account of their own could otherwise guess between two real logins).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = HUB_LOGIN_FAILURE_LIMIT > 0
AXES_FAILURE_LIMIT = HUB_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=HUB_LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "workspaces.views.auth.lockout"
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)  # uvicorn sets it from trusted proxies

ROOT_URLCONF = "hub.urls"
ASGI_APPLICATION = "hub.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "workspaces.context_processors.current_workspace",
            ],
        },
    },
]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and IMMEDIATE transactions let the web process and the embedded worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Without DEBUG, static files are collected (run_hub and the compose web service run
# collectstatic) with content hashes in their names, gzip- and brotli-compressed, and served
# by ServeStatic with a year's caching; with DEBUG they are served from the source folders.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "servestatic.storage.CompressedManifestStaticFilesStorage"
    },
}
SERVESTATIC_USE_FINDERS = DEBUG
SERVESTATIC_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# HTTPS only, once the hub is served over it (uvicorn reads the scheme from trusted proxies).
SECURE_HSTS_SECONDS = HUB_HSTS_SECONDS if SESSION_COOKIE_SECURE else 0

# Pages run only the hub's own scripts: no inline script, no eval, nothing from elsewhere
# (the browser tests fail on a violation). Inline styles stay allowed: plotly and htmx
# write <style> elements of their own.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF, csp.UNSAFE_INLINE],
        "img-src": [csp.SELF, "data:", "blob:"],
        "font-src": [csp.SELF, "data:"],
        "connect-src": [csp.SELF],  # fetch, and the workbench's WebSocket (same origin)
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}
# Browser features the hub never uses are off for its pages and anything they embed.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope",
        "hid", "magnetometer", "microphone", "midi", "payment", "serial", "usb",
    )
}  # fmt: skip

vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = config.env.str("DEFAULT_FROM_EMAIL", default="Provider Hub <hub@localhost>")

if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # Every socket's consumer waits on the layer with a 5 s BZPOPMIN; redis-py's own
            # default read timeout is 5 s too, which cut idle sockets mid-wait. Wait longer.
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 30}]},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND: str | None = REDIS_URL  # None without Redis: no result store
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    # A broker on the local disk lets the embedded worker run beside the web process.
    BROKER_DIR = DATA_DIR / "broker"
    for folder in ("out", "processed", "control"):
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "out"),
        "data_folder_out": str(BROKER_DIR / "out"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = None

CELERY_TASK_ALWAYS_EAGER = config.read_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "workspaces.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "workspaces.api_inputs.BoundedPagination",
    "DEFAULT_PARSER_CLASSES": [
        "workspaces.api_inputs.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "hub.api_errors.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Provider Hub API",
    "DESCRIPTION": "Manage workspaces, members, providers, credentials and API keys.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "EvalRunStatusEnum": "hub.evals.models.RunStatus",
        "EvalCellStatusEnum": "hub.evals.models.CellStatus",
        "AgentRunStatusEnum": "agents.models.RunStatus",
        "AgentStepKindEnum": "agents.models.StepKind",
    },
}

# Uploaded documents, kept to re-index them (a new embedding model, a changed chunk size).
MEDIA_ROOT = DATA_DIR / "media"
# Ingestion, evaluation runs and agent runs have queues of their own, so a long PDF or a 1,000-cell run
# never holds up health checks or alerts.
CELERY_TASK_ROUTES = {
    "rag.ingest_document": {"queue": "rag"},
    "evals.run": {"queue": "evals"},
    "agents.run": {"queue": "agents"},
}
# The bundled embedding model is loaded from its package; nothing may download.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "httpx": {"level": "WARNING"},
        "httpx2": {"level": "WARNING"},
        "mcp": {"level": "WARNING"},
        "LiteLLM": {"level": "WARNING"},
    },
}

# litellm must never fetch its price map from the network.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
