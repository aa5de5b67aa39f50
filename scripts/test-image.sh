#!/usr/bin/env bash
# `npm run test:image`: the container image, built and run for real.
#   1. builds the Dockerfile (BASE: $SLUICE_IMAGE_BASE, else the local stand-in for the official
#      Node image that ../shared/tools/local-node-image.sh builds, else node:22-bookworm-slim);
#   2. runs `sluice server` in it on a volume, sends and receives with Debian's AWS CLI, waits for
#      the HEALTHCHECK to say healthy, `docker stop`s it (exit 0 within the grace period), and
#      on the same volume finds every acknowledged message still there;
#   3. builds the README's worker Dockerfile (FROM the image) with the README's workers.mts and
#      sees it process messages, healthy, and stop with exit 0.
# Every container runs with --network host (no bridge network here) on free ports; all of them,
# the volume and the worker image are removed on exit. Prints "skipping: no docker daemon" and
# exits 0 where no Docker daemon can be started.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

skip() { echo "test:image: skipping: no docker daemon ($1)"; exit 0; }
# shared/ is beside the checkout (beside the worktrees' folder, for a worktree).
tool=""
for dir in "$root/../shared" "$root/../../shared" /work/shared; do
  [ -f "$dir/tools/local-node-image.sh" ] && { tool="$dir/tools/local-node-image.sh"; break; }
done
command -v docker >/dev/null 2>&1 || [ -n "$tool" ] || skip "no docker command"
if [ -n "${SLUICE_IMAGE_BASE:-}" ]; then
  docker info >/dev/null 2>&1 || skip "docker info failed"
  base=$SLUICE_IMAGE_BASE
elif [ -n "$tool" ]; then
  # Starts dockerd (without a bridge network) if none runs, and builds local/node:22-bookworm.
  if ! base=$(bash "$tool" 22 | tail -1); then
    docker info >/dev/null 2>&1 || skip "dockerd did not start"
    echo "test:image: could not build the base image" >&2
    exit 1
  fi
else
  docker info >/dev/null 2>&1 || skip "docker info failed"
  base=node:22-bookworm-slim
  # The stand-in an earlier run built, where no registry is reachable.
  docker image inspect local/node:22-bookworm >/dev/null 2>&1 && base=local/node:22-bookworm
fi
docker image inspect "$base" >/dev/null 2>&1 || docker pull -q "$base" >/dev/null 2>&1 \
  || { echo "test:image: skipping: no base image $base here and none can be pulled"; exit 0; }

id="sluice-test-$$-$RANDOM"
image=sluice-test-image:latest # one tag, overwritten: the build cache survives between runs
volume="$id-data"
work=$(mktemp -d)
passed=0
cleanup() {
  local code=$?
  docker ps -aq --filter "label=sluice-test=$id" | xargs -r docker rm -f -v >/dev/null 2>&1 || true
  [ "${composed:-0}" = 0 ] || compose down -v -t 1 >/dev/null 2>&1 || true
  docker image rm -f "$id-app" >/dev/null 2>&1 || true
  docker volume rm -f "$volume" >/dev/null 2>&1 || true
  docker image rm -f "$id-worker" >/dev/null 2>&1 || true
  rm -rf "$work"
  [ "$code" = 0 ] || echo "test:image: $passed passed, 1 failed"
}
trap cleanup EXIT
ok() { passed=$((passed + 1)); echo "ok $passed - $1"; }
fail() { echo "not ok - $1" >&2; exit 1; }
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
# Waits up to $2 seconds for a container's HEALTHCHECK to report healthy.
healthy() {
  for _ in $(seq 1 "$2"); do
    [ "$(docker inspect -f '{{.State.Health.Status}}' "$1")" = healthy ] && return 0
    [ "$(docker inspect -f '{{.State.Running}}' "$1")" = true ] || { docker logs "$1" >&2; fail "$1 exited"; }
    sleep 1
  done
  docker logs "$1" >&2
  docker inspect -f '{{json .State.Health}}' "$1" >&2
  return 1
}
# Stops a container (SIGTERM, Docker's 10 s grace) and checks it exited 0 before the kill.
stops_cleanly() {
  local start end
  start=$(date +%s)
  docker stop "$1" >/dev/null
  end=$(date +%s)
  local code
  code=$(docker inspect -f '{{.State.ExitCode}}' "$1")
  [ "$code" = 0 ] && [ $((end - start)) -lt 10 ] || { docker logs "$1" >&2; fail "$1: exit $code after $((end - start)) s"; }
}

docker build --force-rm --network host --build-arg "BASE=$base" -t "$image" . >"$work/build.log" 2>&1 \
  || { tail -30 "$work/build.log" >&2; fail "docker build"; }
ok "the image builds on $base"

port=$(free_port)
endpoint="http://127.0.0.1:$port"
aws() {
  env -i PATH=/usr/bin:/bin HOME="$work" AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
    AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    /usr/bin/aws --endpoint-url "$endpoint" --output text "$@"
}
server() {
  docker run -d --name "$1" --label "sluice-test=$id" --network host -v "$volume:/data" \
    -e "SLUICE_HEALTH_URL=$endpoint/health" "$image" server --host 127.0.0.1 --port "$port" --data /data >/dev/null
}

server "$id-server"
healthy "$id-server" 90 || fail "server: not healthy"
ok "sluice server in the image is healthy (HEALTHCHECK: sluice health)"
[ "$(docker exec "$id-server" id -un)" = node ] || fail "the server does not run as node"
ok "it runs as node"

kept=$(aws sqs create-queue --queue-name kept --query QueueUrl)
for i in 1 2 3 4 5; do aws sqs send-message --queue-url "$kept" --message-body "m$i" >/dev/null; done
receipt=$(aws sqs receive-message --queue-url "$kept" --max-number-of-messages 1 --visibility-timeout 60 \
  --query 'Messages[0].[Body,ReceiptHandle]')
done_body=$(cut -f1 <<<"$receipt")
aws sqs delete-message --queue-url "$kept" --receipt-handle "$(cut -f2 <<<"$receipt")"
ok "the AWS CLI sends 5, receives and deletes $done_body"

stops_cleanly "$id-server"
docker logs "$id-server" 2>&1 | grep -q 'SIGTERM, finishing requests in flight' || fail "the server did not see SIGTERM"
ok "docker stop: SIGTERM reaches the server, which exits 0 within the grace period"

server "$id-server2"
healthy "$id-server2" 90 || fail "restarted server: not healthy"
bodies=""
for _ in $(seq 1 20); do
  got=$(aws sqs receive-message --queue-url "$kept" --max-number-of-messages 10 --visibility-timeout 300 \
    --wait-time-seconds 1 --query 'Messages[].Body' | tr '\t' '\n' | grep -v '^None$' || true)
  bodies=$(printf '%s\n%s\n' "$bodies" "$got" | grep . | sort -u || true)
  [ "$(grep -c . <<<"$bodies")" -ge 4 ] && break
done
expected=$(printf 'm%s\n' 1 2 3 4 5 | grep -vx "$done_body")
[ "$bodies" = "$expected" ] || fail "after the restart: $(tr '\n' ' ' <<<"$bodies"), expected $(tr '\n' ' ' <<<"$expected")"
ok "restarted on the same volume: the 4 undeleted messages are there, the deleted one is not"

# The README's worker Dockerfile and workers.mts, exactly, FROM this image.
node -e '
  const fs = require("node:fs");
  const readme = fs.readFileSync("README.md", "utf8");
  const blocks = [...readme.matchAll(/```(\w+)\n([\s\S]*?)```/g)];
  const find = (lang, marker) => {
    const b = blocks.find(([, l, code]) => l === lang && code.includes(marker));
    if (!b) { console.error(`README has no ${lang} block with ${marker}`); process.exit(1); }
    return b[2];
  };
  const [dir, image] = process.argv.slice(1);
  fs.writeFileSync(`${dir}/Dockerfile`, find("Dockerfile", "CMD [\"worker\"").replace(/^FROM \S+/m, `FROM ${image}`));
  fs.writeFileSync(`${dir}/workers.mts`, find("ts", "workers.mts — an ES module"));
' "$work" "$image"
docker build --force-rm --network host -t "$id-worker" "$work" >"$work/worker-build.log" 2>&1 \
  || { cat "$work/worker-build.log" >&2; fail "the README's worker Dockerfile does not build"; }
ok "the README's worker Dockerfile builds FROM the image"

jobs=$(aws sqs create-queue --queue-name jobs --query QueueUrl)
for i in 1 2 3; do aws sqs send-message --queue-url "$jobs" --message-body "job$i" >/dev/null; done
health_port=$(free_port)
docker run -d --name "$id-worker" --label "sluice-test=$id" --network host \
  -e "SLUICE_ENDPOINT=$endpoint" -e "WORKER_HEALTH_PORT=$health_port" "$id-worker" >/dev/null
for _ in $(seq 1 90); do
  [ "$(docker logs "$id-worker" 2>&1 | grep -c '"msg":"handled"')" -ge 3 ] && break
  sleep 1
done
[ "$(docker logs "$id-worker" 2>&1 | grep -c '"msg":"handled"')" -ge 3 ] || { docker logs "$id-worker" >&2; fail "the worker did not handle 3 messages"; }
left=$(aws sqs get-queue-attributes --queue-url "$jobs" \
  --attribute-names ApproximateNumberOfMessages ApproximateNumberOfMessagesNotVisible --query 'Attributes.[ApproximateNumberOfMessages,ApproximateNumberOfMessagesNotVisible]')
for _ in $(seq 1 30); do
  [ "$left" = "$(printf '0\t0')" ] && break
  sleep 1
  left=$(aws sqs get-queue-attributes --queue-url "$jobs" \
    --attribute-names ApproximateNumberOfMessages ApproximateNumberOfMessagesNotVisible --query 'Attributes.[ApproximateNumberOfMessages,ApproximateNumberOfMessagesNotVisible]')
done
[ "$left" = "$(printf '0\t0')" ] || fail "jobs still holds messages: $left"
ok "the worker handles the 3 messages and deletes them"

healthy "$id-worker" 90 || fail "worker: not healthy"
docker inspect -f '{{json .State.Health.Log}}' "$id-worker" | grep -q "healthy: http://127.0.0.1:$health_port/health" \
  || fail "the worker's health check did not ask WORKER_HEALTH_PORT"
ok "the worker is healthy by the same HEALTHCHECK (its WORKER_HEALTH_PORT)"
stops_cleanly "$id-worker"
ok "docker stop: the worker drains and exits 0"

# `sluice deploy compose` for real: the generated compose.host.yaml brings up the server and
# 3 workers (an app image FROM this one, with its config), 120 slow messages flow, the pool is
# scaled down to 1 while they do (the stopped workers drain), and every message is handled.
if ! command -v docker-compose >/dev/null 2>&1; then
  echo "ok - compose: skipped (docker-compose is not installed: apt-get install docker-compose)"
else
  app="$work/app"
  mkdir -p "$app" "$work/out"
  cat >"$app/sluice.config.mts" <<CONFIG
import { randomUUID } from 'node:crypto';
import { defineConfig, defineWorker } from 'sluice';

// Each message, once handled, is sent on to \`done\` with the process that handled it (with
// network_mode: host every replica has the host's name and the same pid: a token of its own).
const me = randomUUID().slice(0, 8);
export default defineConfig(({ client }) => {
  let done: string | undefined;
  return {
    queues: [{ name: 'flow', visibilityTimeout: 60, dlq: { maxReceiveCount: 5 } }, { name: 'done' }],
    workers: [
      defineWorker({
        queue: 'flow',
        handler: async (message) => {
          await new Promise((resolve) => setTimeout(resolve, 300));
          done ??= (await client.getQueueUrl({ QueueName: 'done' })).QueueUrl;
          await client.sendMessage({ QueueUrl: done, MessageBody: \`\${me} \${message.rawBody}\` });
        },
      }),
    ],
    scale: { min: 0, max: 3, targetBacklogPerWorker: 10 },
    deploy: { image: '$id-app', memoryMiB: 256, shutdownTimeoutSeconds: 20, env: { WORKER_CONCURRENCY: '2' } },
  };
});
CONFIG
  printf 'FROM %s\nCOPY sluice.config.mts /app/\n' "$image" >"$app/Dockerfile"
  docker build --force-rm --network host -t "$id-app" "$app" >"$work/app-build.log" 2>&1 \
    || { cat "$work/app-build.log" >&2; fail "the app image does not build"; }
  # Generated the way a user would: by the image's own sluice, from the config in /app.
  docker run --rm --network host --user 0 -v "$work/out:/out" "$id-app" deploy compose sluice.config.mts --out /out \
    >"$work/deploy.log" 2>&1 || { cat "$work/deploy.log" >&2; fail "sluice deploy compose in the image"; }
  compose() { docker-compose --compatibility -p "$id" -f "$work/out/compose.host.yaml" "$@"; }
  composed=1
  node -e 'require("net").createServer().once("error",()=>process.exit(1)).listen(9324,"127.0.0.1",function(){this.close()})' \
    || fail "compose: port 9324 is taken on this machine (compose.host.yaml's server listens there)"
  compose up -d >"$work/up.log" 2>&1 || { cat "$work/up.log" >&2; fail "docker-compose up"; }
  endpoint=http://127.0.0.1:9324
  flow=""
  for _ in $(seq 1 90); do
    flow=$(aws sqs get-queue-url --queue-name flow --query QueueUrl 2>/dev/null) && break
    sleep 1
  done
  [ -n "$flow" ] || { compose logs >&2; fail "compose: the workers did not create the queue flow"; }
  workers=$(compose ps -q sluice-worker | wc -l)
  [ "$workers" = 3 ] || fail "compose: $workers workers, expected deploy.replicas 3"
  ok "docker-compose up: the server is healthy and 3 workers run (compose.host.yaml, --compatibility)"

  for batch in $(seq 0 11); do
    entries=$(seq $((batch * 10 + 1)) $((batch * 10 + 10)) | sed 's/.*/Id=&,MessageBody=n&/')
    # shellcheck disable=SC2086
    aws sqs send-message-batch --queue-url "$flow" --entries $entries >/dev/null
  done
  sleep 3
  # The containers compose removes on scale-down are gone afterwards: their exit codes come from Docker's events.
  docker events --filter "label=com.docker.compose.project=$id" --filter event=die \
    --format '{{.Actor.Attributes.name}} {{.Actor.Attributes.exitCode}}' >"$work/died.txt" &
  events=$!
  sleep 1
  compose up -d --no-recreate --scale sluice-worker=1 >"$work/scale.log" 2>&1 \
    || { cat "$work/scale.log" >&2; fail "docker-compose up --scale sluice-worker=1"; }
  sleep 1
  kill "$events"
  [ "$(grep -c ' 0$' "$work/died.txt")" = 2 ] && ! grep -qv ' 0$' "$work/died.txt" \
    || { cat "$work/died.txt" "$work/scale.log" >&2; fail "compose: the scaled-down workers did not both exit 0"; }
  [ "$(compose ps -q sluice-worker | wc -l)" = 1 ] || fail "compose: not scaled down to 1"
  ok "scaled down to 1 while 120 messages flow: the 2 stopped workers drained and exited 0"

  done_url=$(aws sqs get-queue-url --queue-name done --query QueueUrl)
  : >"$work/done.txt"
  for _ in $(seq 1 120); do
    aws sqs receive-message --queue-url "$done_url" --max-number-of-messages 10 --wait-time-seconds 1 \
      --query 'Messages[].[Body,ReceiptHandle]' | grep -v '^None$' >"$work/batch.txt" || true
    while IFS=$'\t' read -r body handle; do
      [ -n "$body" ] || continue
      echo "$body" >>"$work/done.txt"
      aws sqs delete-message --queue-url "$done_url" --receipt-handle "$handle"
    done <"$work/batch.txt"
    [ "$(cut -d' ' -f2 "$work/done.txt" | sort -u | wc -l)" -ge 120 ] && break
  done
  handled=$(cut -d' ' -f2 "$work/done.txt" | sort -u | wc -l)
  [ "$handled" = 120 ] || { compose logs --tail 50 >&2; fail "compose: $handled of 120 messages handled"; }
  processes=$(cut -d' ' -f1 "$work/done.txt" | sort -u | wc -l)
  [ "$processes" -ge 2 ] || fail "compose: only $processes worker handled messages"
  ok "every one of the 120 messages was handled ($(wc -l <"$work/done.txt") times in all, by $processes workers)"

  compose stop >"$work/stop.log" 2>&1 || { cat "$work/stop.log" >&2; fail "docker-compose stop"; }
  for c in $(compose ps -q); do
    code=$(docker inspect -f '{{.State.ExitCode}}' "$c")
    [ "$code" = 0 ] || { docker logs "$c" >&2; fail "compose: $(docker inspect -f '{{.Name}}' "$c") exited $code"; }
  done
  compose down -v >"$work/down.log" 2>&1 || { cat "$work/down.log" >&2; fail "docker-compose down"; }
  composed=0
  ok "docker-compose stop: the server and the worker exit 0; down removes them and the volume"
fi

size=$(docker image inspect -f '{{.Size}}' "$image")
base_size=$(docker image inspect -f '{{.Size}}' "$base")
echo "image size: $((size / 1000000)) MB on $base ($((base_size / 1000000)) MB): the image adds $(((size - base_size) / 1000000)) MB"
echo "test:image: $passed passed, 0 failed"
