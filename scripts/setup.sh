#!/usr/bin/env bash
# Installs every Debian package Painel needs to build, test and benchmark.
# This is the one place where dependencies are named, each with why it is here.
# Idempotent: installs only what is missing. Run as root or with sudo available.
set -euo pipefail

PACKAGES=(
  # --- build toolchain ---
  g++                 # C++20 compiler (GCC 12)
  cmake               # build system
  make                # front door (Makefile)
  pkg-config          # locating libraries in CMake
  # --- libraries linked into painel ---
  libboost-dev        # Boost.Beast + Asio (header-only): HTTP/1.1 server with coroutines
  rapidjson-dev       # JSON: Writer for responses (fast), Document for requests
  libsqlite3-dev      # embedded default store
  libpq-dev           # PostgreSQL store (scale-out)
  libhiredis-dev      # Redis cache / rate limits (scale-out)
  libsodium-dev       # argon2id password hashing, secretbox, secure random
  libssl-dev          # JWT signatures (Ed25519), SHA-256, TLS
  libspdlog-dev       # structured JSON logs
  libfmt-dev          # formatting (spdlog's companion)
  libcli11-dev        # command line parsing with --help on every command
  zlib1g-dev          # gzip request bodies on ingestion
  libcurl4-openssl-dev  # SMTP client: invitation and password-reset links by e-mail (src/mail)
  libhowardhinnant-date-dev  # IANA time zones over the system tzdata (date/tz.h, libdate-tz):
                      # tenant-local days (GCC 12's libstdc++ has no std::chrono::locate_zone)
  tzdata              # the tz database libdate-tz reads (/usr/share/zoneinfo)
  # --- tests and benchmarks ---
  libgtest-dev        # unit tests
  libbenchmark-dev    # Google Benchmark for hot functions
  clang               # fuzz targets (fuzz/): libFuzzer is clang's (clang 14 on Debian 12)
  libclang-rt-14-dev  # libFuzzer + ASan/UBSan runtimes for clang 14 (merely recommended, and
                      # setup installs without recommends)
  sqlite3             # inspecting/tampering the store in tests
  curl                # API tests and smoke checks
  openssl             # test_cognito.py signs RS256 tokens of a fake user pool with the CLI
  python3             # API test driver (stdlib only)
  postgresql          # throwaway PostgreSQL cluster for the PG backend tests
  redis-server        # throwaway Redis for the cache tests
  prometheus          # promtool: ctest deploy.promtool checks deploy/prometheus/alerts.yml
  wrk                 # HTTP load generator (bench/)
  nginx-light         # static-file baseline in benchmarks
  chromium            # real browser for web UI tests (driven by playwright-core)
  firefox-esr         # second browser engine for web UI tests (puppeteer-core over WebDriver BiDi)
  nodejs              # building the web UI (Vite) and browser tests
  npm
  # --- release: the UI precompressed, the Debian package and its checks ---
  brotli              # precompressing the web UI's assets (scripts/precompress-web.sh)
  dpkg-dev            # dpkg-shlibdeps: the package's library dependencies (make deb)
  lintian             # the package's policy check (ctest package.deb)
  systemd             # systemd-analyze verify on painel.service (ctest package.deb)
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

# nodejs/npm may come from outside apt (e.g. a preinstalled Node); accept that.
filtered=()
for p in "${missing[@]}"; do
  if [[ "$p" == "nodejs" ]] && command -v node >/dev/null; then continue; fi
  if [[ "$p" == "npm" ]] && command -v npm >/dev/null; then continue; fi
  filtered+=("$p")
done

if ((${#filtered[@]})); then
  echo "setup: installing ${filtered[*]}"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${filtered[@]}" >/dev/null
else
  echo "setup: all Debian packages present"
fi

# The web UI's toolchain (Vite 8) needs Node >= 20.19. Debian 12's own nodejs is 18, so a
# machine without a newer Node fails here with this line rather than deep inside Vite.
node_version=$(node -p 'process.versions.node' 2>/dev/null || echo 0.0.0)
IFS=. read -r node_major node_minor _ <<<"$node_version"
if ((node_major < 20 || (node_major == 20 && node_minor < 19))); then
  echo "setup: Node $node_version found; the web UI needs Node >= 20.19 (Debian 12's apt nodejs is 18)" >&2
  exit 1
fi
