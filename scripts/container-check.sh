#!/usr/bin/env bash
# The container, actually run: builds the project's image from the Dockerfile with podman and
# smoke-tests it twice, on embedded PGlite and on the PostgreSQL server (a fresh database): start,
# wait for /ready, work out a budget, stop cleanly (exit status 0 within the grace period), and
# check that every log line is JSON.
#
# No registry of images can be reached here, so the Dockerfile's base (NODE_IMAGE) is made
# locally, once: Debian bookworm (mmdebstrap, from the Debian mirror) with the Node.js 26 binary
# from the npm `node` package, npm from the npm registry, and a user `node` (uid 1000), imported
# with `podman import`. Where registries can be reached, `podman build .` uses node:26-slim.
#
#   scripts/container-check.sh          # needs podman, runc and mmdebstrap (Debian packages), curl, jq
set -euo pipefail
cd "$(dirname "$0")/.."

podman_() { podman --runtime runc --cgroup-manager=cgroupfs "$@"; }
BASE=localhost/ras-node:26
IMAGE=localhost/ras-budget-service:check
TOKEN=container-check-operator-token-0123456789
LIMITS=(--ulimit nofile=20000:20000 --ulimit nproc=4096:4096)
work="$(mktemp -d)"
containers=()
database=""
cleanup() {
  for name in "${containers[@]}"; do podman_ rm -f "$name" >/dev/null 2>&1 || true; done
  [ -n "$database" ] && node scripts/test-database.mjs drop "$database" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

if ! podman_ image exists "$BASE"; then
  echo "--- the base image: Debian bookworm, Node.js 26 and npm"
  node26="$(npx -y node@26 -p process.execPath)"
  (cd "$work" && npm pack --silent npm@11 >/dev/null)
  mmdebstrap --variant=minbase --include=ca-certificates,libatomic1 \
    --customize-hook="install -m 0755 '$node26' \"\$1/usr/local/bin/node\"" \
    --customize-hook="mkdir -p \"\$1/usr/local/lib/node_modules/npm\" && tar -xzf $work/npm-*.tgz --strip-components=1 -C \"\$1/usr/local/lib/node_modules/npm\"" \
    --customize-hook='ln -s ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm" && ln -s ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/local/bin/npx"' \
    --customize-hook='chroot "$1" useradd --uid 1000 --create-home --shell /bin/sh node' \
    bookworm "$work/base.tar"
  podman_ import --change 'CMD ["node"]' "$work/base.tar" "$BASE" >/dev/null
fi

echo "--- the image, from the Dockerfile"
# This machine reaches the npm registry through a proxy that inspects TLS: npm in the build trusts
# the proxy's CA as npm here does (NODE_EXTRA_CA_CERTS), mounted for the build only.
trust=()
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
  trust=(-v "$NODE_EXTRA_CA_CERTS:/etc/ssl/certs/build-ca.crt:ro" --build-arg NODE_EXTRA_CA_CERTS=/etc/ssl/certs/build-ca.crt)
fi
podman_ build --format docker --network=host "${LIMITS[@]}" "${trust[@]}" --build-arg NODE_IMAGE="$BASE" -t "$IMAGE" .

free_port() { node -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

# Starts the image with the given environment, works out a budget, stops it: $1 names the run.
smoke() {
  local label="$1" name="ras-check-$1" port
  shift
  port="$(free_port)"
  containers+=("$name")
  podman_ run -d --name "$name" --network=host "${LIMITS[@]}" \
    -e HOST=127.0.0.1 -e PORT="$port" -e BOOTSTRAP_TOKEN="$TOKEN" -e SEED_DEMO=true "$@" "$IMAGE" >/dev/null
  local url="http://127.0.0.1:$port" ready=""
  for _ in $(seq 1 120); do
    if curl -fsS "$url/ready" >/dev/null 2>&1; then ready=1; break; fi
    sleep 1
  done
  if [ -z "$ready" ]; then podman_ logs "$name"; echo "$name: /ready never answered" >&2; return 1; fi
  curl -fsS "$url/ready"; echo

  local credentials key scheme questionnaire answers budget
  credentials="$(podman_ exec "$name" cat /data/demo-credentials.json)"
  key="$(jq -r .adminKey.key <<<"$credentials")"
  scheme="$(jq -r .allocationSchemeId <<<"$credentials")"
  questionnaire="$(jq -r .questionnaireId <<<"$credentials")"
  answers="$(curl -fsS -H "Authorization: Bearer $key" "$url/v1/questionnaires/$questionnaire" | jq -c '[.sections[].questions[]
    | {key, value: (if .type == "multi" then [.options[0].key] else .options[2].key end)}] | from_entries')"
  budget="$(curl -fsS -H "Authorization: Bearer $key" -H 'Content-Type: application/json' "$url/v1/calculations/budget" \
    -d "{\"schemeId\":\"$scheme\",\"answers\":$answers,\"weeksAtHome\":52,\"weeklyContributionPence\":0}")"
  jq -e '.rasAnnualPence > 0 and (.rasAnnualPence | type) == "number"' <<<"$budget" >/dev/null
  echo "$label: budget $(jq -c '{rasAnnualPence, netAnnualPence}' <<<"$budget")"

  podman_ stop --time 15 "$name" >/dev/null
  local status
  status="$(podman_ inspect --format '{{.State.ExitCode}}' "$name")"
  [ "$status" = "0" ] || { podman_ logs "$name"; echo "$name: stopped with status $status" >&2; return 1; }
  podman_ logs "$name" 2>&1 | node -e '
    const lines = require("node:fs").readFileSync(0, "utf8").split("\n").filter(Boolean);
    for (const line of lines) JSON.parse(line);
    if (!lines.some((line) => JSON.parse(line).msg === "shutting down: finishing requests in flight")) throw new Error("no clean shutdown logged");
    console.log(`${lines.length} log lines, all JSON, shut down cleanly`);'
}

echo "--- on embedded PGlite"
smoke pglite -v "ras-check-data-$$:/data"
podman_ volume rm -f "ras-check-data-$$" >/dev/null

echo "--- on PostgreSQL"
database="ras_container_$$"
database_url="$(node scripts/test-database.mjs create "$database")"
smoke postgres -e DATABASE_URL="$database_url"

podman_ image prune -f >/dev/null
echo "Container check: the image started, answered and stopped cleanly on PGlite and on PostgreSQL"
