#!/usr/bin/env bash
# start-rgw.sh — throwaway single-node Ceph (1 mon, 1 OSD, no mgr) + radosgw (beast)
# bound to 127.0.0.1 only, for the DirectUpload S3 integration tests (presigned PUT,
# POST policy, multipart) and for running the sample against a real local S3.
#
# Needs (Debian 12): radosgw ceph-mon ceph-osd uuid-runtime curl (Ceph 16.2 "Pacific");
# eng/rgw/install-rgw.sh installs them. Runs as root (tested) — every path it writes is
# under RGW_DATA_DIR.
#
# Environment (all optional):
#   RGW_PORT           S3 endpoint port on 127.0.0.1; 0 = pick a free one  (default 7480)
#   RGW_MON_PORT       msgr2 port of the monitor; 0 = pick a free one      (default 3300)
#   RGW_PICK_PORTS=1   pick free ports for both (RGW_PORT / RGW_MON_PORT then default to 0;
#                      an explicit non-zero value is still honoured). Picked ports are random
#                      in 20000-32767, below Linux's ephemeral range, and not in use.
#   RGW_DATA_DIR       all cluster state, logs, sockets, pid file (default: new mktemp dir)
#                      must be absent or empty
#   RGW_OSD_STORE      memstore (default, RAM only) | bluestore (sparse file under RGW_DATA_DIR)
#   RGW_STORE_BYTES    capacity of the OSD store                  (default 2147483648)
#   RGW_ACCESS_KEY     S3 access key                              (default DIRECTUPLOADTESTKEY0)
#   RGW_SECRET_KEY     S3 secret key       (default directupload-test-secret-key-000000000000)
#   RGW_UID            RGW user id                                (default directupload-test)
#   RGW_UPLOAD_ACCESS_KEY  S3 access key of the write-only subuser RGW_UID:uploader, which
#                      signs upload grants (default DIRECTUPLOADUPLOADKEY)
#   RGW_UPLOAD_SECRET_KEY  its secret  (default directupload-upload-secret-key-0000000000)
#                      Empty RGW_UPLOAD_ACCESS_KEY = no subuser.
#   RGW_BUCKET         bucket created at start; empty = none      (default directupload-test)
#   RGW_CORS=0         do not put a CORS configuration on the bucket (default: put it)
#   RGW_CORS_ORIGINS   comma-separated allowed origins for the bucket CORS rule (default *);
#                      the rule is eng/rgw/cors.xml with its AllowedOrigin replaced
#   RGW_START_TIMEOUT  seconds to wait for each step              (default 120)
#   RGW_KEEP_DATA_ON_FAILURE=1  keep RGW_DATA_DIR (logs) when start-up fails (default: delete)
#
# stdout: only shell assignments (eval-able), e.g.
#   out="$(eng/rgw/start-rgw.sh)" && eval "$out"
# (do not write eval "$(eng/rgw/start-rgw.sh)": eval of an empty string succeeds, so a
#  failed start would go unnoticed even under set -e)
# stderr: progress. On failure the started daemons are stopped and log tails are printed.
# Stop with eng/rgw/stop-rgw.sh (reads $RGW_DATA_DIR/pids; kills only those PIDs).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ "${RGW_PICK_PORTS:-0}" = 1 ]; then
  RGW_PORT="${RGW_PORT:-0}"
  RGW_MON_PORT="${RGW_MON_PORT:-0}"
else
  RGW_PORT="${RGW_PORT:-7480}"
  RGW_MON_PORT="${RGW_MON_PORT:-3300}"
fi
RGW_OSD_STORE="${RGW_OSD_STORE:-memstore}"
RGW_STORE_BYTES="${RGW_STORE_BYTES:-2147483648}"
RGW_ACCESS_KEY="${RGW_ACCESS_KEY:-DIRECTUPLOADTESTKEY0}"
RGW_SECRET_KEY="${RGW_SECRET_KEY:-directupload-test-secret-key-000000000000}"
RGW_UID="${RGW_UID:-directupload-test}"
RGW_UPLOAD_ACCESS_KEY="${RGW_UPLOAD_ACCESS_KEY-DIRECTUPLOADUPLOADKEY}"
RGW_UPLOAD_SECRET_KEY="${RGW_UPLOAD_SECRET_KEY:-directupload-upload-secret-key-0000000000}"
RGW_BUCKET="${RGW_BUCKET-directupload-test}"
RGW_CORS="${RGW_CORS:-1}"
RGW_CORS_ORIGINS="${RGW_CORS_ORIGINS:-*}"
RGW_START_TIMEOUT="${RGW_START_TIMEOUT:-120}"

log() { printf '[start-rgw %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for bin in ceph-mon ceph-osd radosgw radosgw-admin ceph monmaptool ceph-authtool uuidgen curl \
           md5sum base64 setsid; do
  command -v "$bin" >/dev/null 2>&1 || die "missing $bin (run eng/rgw/install-rgw.sh as root)"
done
case "$RGW_OSD_STORE" in memstore|bluestore) ;; *) die "RGW_OSD_STORE must be memstore or bluestore" ;; esac

# A port is busy if something accepts connections on it, or (when ss is there) if any
# TCP socket on this machine already uses it as its local port.
port_busy() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
  if command -v ss >/dev/null 2>&1; then
    [ -n "$(ss -Htan "sport = :$1" 2>/dev/null)" ] && return 0
  fi
  return 1
}
pick_port() {  # pick_port [PORT_TO_AVOID] — a random free port in 20000-32767
  local p _
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 12768 ))
    [ "$p" != "${1:-}" ] || continue
    port_busy "$p" || { echo "$p"; return 0; }
  done
  return 1
}
case "$RGW_PORT$RGW_MON_PORT" in *[!0-9]*) die "RGW_PORT and RGW_MON_PORT must be numbers" ;; esac
if [ "$RGW_PORT" = 0 ]; then
  RGW_PORT="$(pick_port "$RGW_MON_PORT")" || die "found no free port for RGW"
  log "picked RGW port $RGW_PORT"
fi
if [ "$RGW_MON_PORT" = 0 ]; then
  RGW_MON_PORT="$(pick_port "$RGW_PORT")" || die "found no free port for the mon"
  log "picked mon port $RGW_MON_PORT"
fi
[ "$RGW_PORT" != "$RGW_MON_PORT" ] || die "RGW_PORT and RGW_MON_PORT are both $RGW_PORT"
# refuse to start if a port is already taken (no second cluster on top of the first)
port_busy "$RGW_PORT" && die "127.0.0.1:$RGW_PORT is already in use (set RGW_PORT, or RGW_PICK_PORTS=1)"
port_busy "$RGW_MON_PORT" && die "127.0.0.1:$RGW_MON_PORT is already in use (set RGW_MON_PORT, or RGW_PICK_PORTS=1)"

if [ -z "${RGW_DATA_DIR:-}" ]; then
  RGW_DATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/directupload-rgw.XXXXXX")"
else
  mkdir -p "$RGW_DATA_DIR"
  [ -z "$(ls -A "$RGW_DATA_DIR")" ] || die "RGW_DATA_DIR $RGW_DATA_DIR is not empty"
fi
D="$(cd "$RGW_DATA_DIR" && pwd)"
touch "$D/.directupload-rgw"            # marker: stop-rgw.sh only deletes dirs carrying it
mkdir -p "$D/log" "$D/run" "$D/crash" "$D/mon.a" "$D/osd.0" "$D/rgw.a"
: > "$D/pids"
CONF="$D/ceph.conf"
export CEPH_CONF="$CONF"                 # every ceph tool below uses this cluster only
T0=$(date +%s.%N)

started_ok=0
on_exit() {
  if [ "$started_ok" != 1 ]; then
    log "start failed; log tails follow, then stopping what was started"
    for f in "$D"/log/*.log "$D"/log/*.out; do
      [ -f "$f" ] && { echo "---- $f" >&2; tail -n 15 "$f" >&2; }
    done
    RGW_DATA_DIR="$D" RGW_KEEP_DATA="${RGW_KEEP_DATA_ON_FAILURE:-0}" \
      "$HERE/stop-rgw.sh" >&2 || true
  fi
}
trap on_exit EXIT

# start a daemon in the foreground mode (-f) in the background, record "name pid"
spawn() {
  local name="$1"; shift
  setsid "$@" </dev/null >"$D/log/$name.out" 2>&1 &
  local pid=$!
  echo "$name $pid" >> "$D/pids"
  log "started $name pid $pid"
}

wait_for() {  # wait_for DESCRIPTION COMMAND...
  local what="$1"; shift
  local deadline=$(( $(date +%s) + RGW_START_TIMEOUT ))
  until "$@" >/dev/null 2>&1; do
    # a recorded daemon that died means we will never succeed
    while read -r n p; do
      kill -0 "$p" 2>/dev/null || die "$n (pid $p) exited while waiting for $what"
    done < "$D/pids"
    [ "$(date +%s)" -lt "$deadline" ] || die "timed out after ${RGW_START_TIMEOUT}s waiting for $what"
    sleep 0.2
  done
  log "$what: ok ($(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')s)"
}

FSID="$(uuidgen)"
OSD_UUID="$(uuidgen)"

# ---------------------------------------------------------------- ceph.conf
# $name / $id below are Ceph metavariables (escaped from bash).
cat > "$CONF" <<EOF
[global]
fsid = $FSID
mon_host = [v2:127.0.0.1:$RGW_MON_PORT]
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
ms_bind_ipv6 = false
ms_bind_msgr1 = false
# throwaway cluster: no cephx at all
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
# radosgw's built-in default is ms_mon_client_mode=secure, which auth "none" cannot
# provide (its mon connection then fails with -13); crc works with auth none
ms_mon_client_mode = crc
ms_client_mode = crc
# everything under the data dir
keyring = $D/keyring
run_dir = $D/run
admin_socket = $D/run/\$name.asok
pid_file = $D/run/\$name.pid
log_file = $D/log/\$name.log
mon_cluster_log_file = $D/log/cluster.log
crash_dir = $D/crash
# one OSD: replication 1, few PGs, no autoscaler (it lives in the mgr we do not run)
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false
mon_max_pg_per_osd = 1000
osd_crush_chooseleaf_type = 0

[mon]
mon_data = $D/mon.\$id
mon_allow_pool_delete = true
mon_data_avail_warn = 2
mon_data_avail_crit = 1
# each pool RGW creates is one osdmap epoch; the default 1 s proposal interval made
# start-up ~1 s per pool. 50 ms keeps a single-mon cluster snappy.
paxos_propose_interval = 0.05
paxos_min_wait = 0.01
mon_warn_on_insecure_global_id_reclaim_allowed = false

[osd]
osd_data = $D/osd.\$id
osd_objectstore = $RGW_OSD_STORE
memstore_device_bytes = $RGW_STORE_BYTES
bluestore_block_path = $D/osd.\$id/block.img
bluestore_block_create = true
bluestore_block_size = $RGW_STORE_BYTES
bluestore_fsck_on_mkfs = false
bluestore_fsck_on_mount = false
osd_memory_target = 1073741824
osd_op_num_shards = 2
osd_op_num_threads_per_shard = 1

[client.rgw.a]
rgw_data = $D/rgw.a
rgw_frontends = beast endpoint=127.0.0.1:$RGW_PORT
rgw_dns_name = localhost
rgw_thread_pool_size = 32
rgw_enable_gc_threads = true
rgw_enable_lc_threads = false
rgw_enable_quota_threads = false
rgw_run_sync_thread = false
rgw_dynamic_resharding = false
# "notifications" serves the SNS-style topic API (CreateTopic…) that bucket notifications need
rgw_enable_apis = s3, admin, notifications
rgw_init_timeout = $RGW_START_TIMEOUT
EOF

# ---------------------------------------------------------------- mon
log "data dir $D, OSD store $RGW_OSD_STORE"
monmaptool --create --fsid "$FSID" --addv a "[v2:127.0.0.1:$RGW_MON_PORT]" "$D/monmap" >/dev/null
ceph-authtool --create-keyring "$D/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-authtool "$D/keyring" --gen-key -n client.admin \
  --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' >/dev/null
ceph-mon --mkfs -i a --monmap "$D/monmap" --keyring "$D/keyring" >"$D/log/mon-mkfs.out" 2>&1 \
  || { cat "$D/log/mon-mkfs.out" >&2; die "ceph-mon --mkfs failed"; }
spawn mon.a ceph-mon -f -i a
wait_for "mon quorum" ceph --connect-timeout 5 mon stat

# ---------------------------------------------------------------- osd
OSD_ID="$(ceph --connect-timeout 10 osd new "$OSD_UUID")"
[ "$OSD_ID" = 0 ] || die "unexpected osd id '$OSD_ID'"
ceph-osd -i 0 --mkfs --osd-uuid "$OSD_UUID" >"$D/log/osd-mkfs.out" 2>&1 \
  || { cat "$D/log/osd-mkfs.out" >&2; die "ceph-osd --mkfs failed"; }
spawn osd.0 ceph-osd -f -i 0
osd_up() { ceph --connect-timeout 5 osd dump 2>/dev/null | grep -q '^osd\.0 up'; }
wait_for "osd.0 up" osd_up

# ---------------------------------------------------------------- rgw
spawn rgw.a radosgw -f -n client.rgw.a
rgw_http() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$RGW_PORT/")" = 200 ]; }
wait_for "radosgw answering on 127.0.0.1:$RGW_PORT" rgw_http

radosgw-admin user create --uid="$RGW_UID" --display-name="DirectUpload integration tests" \
  --access-key="$RGW_ACCESS_KEY" --secret="$RGW_SECRET_KEY" >"$D/log/user-create.out" 2>&1 \
  || { cat "$D/log/user-create.out" >&2; die "radosgw-admin user create failed"; }
log "user $RGW_UID created"

# The identity upload grants are signed with: a subuser that may write but not read. Its objects
# belong to $RGW_UID, and RGW checks a copy source against the *requester's* read permission, so
# an unsigned x-amz-copy-source on a presigned PUT or part URL is refused (403 AccessDenied)
# instead of copying someone else's object (measured on RGW 16.2; see NOTES.md).
if [ -n "$RGW_UPLOAD_ACCESS_KEY" ]; then
  radosgw-admin subuser create --uid="$RGW_UID" --subuser="$RGW_UID:uploader" --access=write \
    --key-type=s3 --access-key="$RGW_UPLOAD_ACCESS_KEY" --secret="$RGW_UPLOAD_SECRET_KEY" \
    >"$D/log/subuser-create.out" 2>&1 \
    || { cat "$D/log/subuser-create.out" >&2; die "radosgw-admin subuser create failed"; }
  log "write-only subuser $RGW_UID:uploader created (signs upload grants)"
fi

s3() {  # s3 METHOD PATH [curl args...] — SigV4 header auth via curl
  local m="$1" p="$2"; shift 2
  curl -sS --max-time 10 -X "$m" --aws-sigv4 "aws:amz:us-east-1:s3" \
    --user "$RGW_ACCESS_KEY:$RGW_SECRET_KEY" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" \
    "$@" "http://127.0.0.1:$RGW_PORT$p"
}
if [ -n "$RGW_BUCKET" ]; then
  code="$(s3 PUT "/$RGW_BUCKET" -o "$D/log/bucket-create.out" -w '%{http_code}')"
  [ "$code" = 200 ] || { cat "$D/log/bucket-create.out" >&2; die "bucket create returned HTTP $code"; }
  code="$(s3 GET "/$RGW_BUCKET?list-type=2" -o /dev/null -w '%{http_code}')"
  [ "$code" = 200 ] || die "authenticated ListObjectsV2 returned HTTP $code"
  log "bucket $RGW_BUCKET created and listable with SigV4"

  # Warm-up: RGW creates the data pool on the first object write and the non-ec pool on
  # the first multipart upload; do both now so the first test does not pay for it.
  warm="$D/log/warm.bin"; printf 'warm-up' > "$warm"
  code="$(s3 PUT "/$RGW_BUCKET/.warm-up" -T "$warm" -o "$D/log/warm.out" -w '%{http_code}')"
  [ "$code" = 200 ] || { cat "$D/log/warm.out" >&2; die "warm-up PUT returned HTTP $code"; }
  s3 DELETE "/$RGW_BUCKET/.warm-up" -o /dev/null
  # "?uploads=" (with '='): curl 7.88 canonicalises a bare "?uploads" differently from RGW
  upload_id="$(s3 POST "/$RGW_BUCKET/.warm-up-mp?uploads=" \
               | sed -n 's:.*<UploadId>\(.*\)</UploadId>.*:\1:p')"
  [ -n "$upload_id" ] || die "warm-up CreateMultipartUpload failed"
  s3 DELETE "/$RGW_BUCKET/.warm-up-mp?uploadId=$upload_id" -o /dev/null
  log "warm-up done (data and multipart pools exist)"

  if [ "$RGW_CORS" != 0 ]; then
    # Bucket CORS, so that browsers may PUT/POST to presigned URLs (the rule of cors.xml,
    # with AllowedOrigin replaced by RGW_CORS_ORIGINS). S3 requires Content-MD5 on ?cors.
    [ -f "$HERE/cors.xml" ] || die "missing $HERE/cors.xml"
    case "$RGW_CORS_ORIGINS" in *[\<\>\&\"]*) die "RGW_CORS_ORIGINS must not contain < > & or \"" ;; esac
    cors="$D/cors.xml"
    awk -v origins="$RGW_CORS_ORIGINS" '
      /<AllowedOrigin>\*<\/AllowedOrigin>/ {
        indent = $0; sub(/<.*/, "", indent)
        n = split(origins, o, ",")
        for (i = 1; i <= n; i++) {
          gsub(/^[ \t]+|[ \t]+$/, "", o[i])
          if (o[i] != "") print indent "<AllowedOrigin>" o[i] "</AllowedOrigin>"
        }
        next
      }
      { print }' "$HERE/cors.xml" > "$cors"
    grep -q '<AllowedOrigin>' "$cors" || die "RGW_CORS_ORIGINS gave no origin"
    # base64 of the binary MD5, with coreutils only (no openssl/xxd needed)
    md5_hex="$(md5sum < "$cors" | cut -c1-32)"
    content_md5="$(printf '%b' "$(printf '%s' "$md5_hex" | sed 's/../\\x&/g')" | base64)"
    # "?cors=" (with '='): as for ?uploads, curl's canonical query must match RGW's
    code="$(s3 PUT "/$RGW_BUCKET?cors=" --data-binary "@$cors" \
            -H "Content-Type: application/xml" -H "Content-MD5: $content_md5" \
            -o "$D/log/cors-put.out" -w '%{http_code}')"
    [ "$code" = 200 ] || { cat "$D/log/cors-put.out" >&2; die "PUT ?cors returned HTTP $code"; }
    code="$(s3 GET "/$RGW_BUCKET?cors=" -o "$D/log/cors-get.out" -w '%{http_code}')"
    [ "$code" = 200 ] && grep -q '<AllowedMethod>PUT</AllowedMethod>' "$D/log/cors-get.out" \
      || { cat "$D/log/cors-get.out" >&2; die "GET ?cors returned HTTP $code without the rule"; }
    # preflight as a browser sends it before a presigned PUT
    probe_origin="$(printf '%s' "$RGW_CORS_ORIGINS" | cut -d, -f1 | tr -d ' \t')"
    case "$probe_origin" in '*') probe_origin='http://localhost:5173' ;; *'*'*) probe_origin="${probe_origin//\*/x}" ;; esac
    code="$(curl -sS --max-time 10 -X OPTIONS -D "$D/log/cors-preflight.headers" \
            -o "$D/log/cors-preflight.out" -w '%{http_code}' \
            -H "Origin: $probe_origin" -H "Access-Control-Request-Method: PUT" \
            -H "Access-Control-Request-Headers: content-type" \
            "http://127.0.0.1:$RGW_PORT/$RGW_BUCKET/cors-preflight-check")"
    acao="$(tr -d '\r' < "$D/log/cors-preflight.headers" \
            | sed -n 's/^[Aa]ccess-[Cc]ontrol-[Aa]llow-[Oo]rigin: *//p' | head -n1)"
    [ "$code" = 200 ] && [ -n "$acao" ] \
      || { cat "$D/log/cors-preflight.headers" "$D/log/cors-preflight.out" >&2
           die "CORS preflight (Origin $probe_origin, PUT) returned HTTP $code, Access-Control-Allow-Origin '$acao'"; }
    log "bucket CORS set (origins: $RGW_CORS_ORIGINS); preflight from $probe_origin answered Access-Control-Allow-Origin: $acao"
  fi
fi

started_ok=1
log "ready in $(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')s"
cat <<EOF
export RGW_DATA_DIR='$D'
export RGW_ENDPOINT='http://127.0.0.1:$RGW_PORT'
export RGW_PORT='$RGW_PORT'
export RGW_MON_PORT='$RGW_MON_PORT'
export RGW_ACCESS_KEY='$RGW_ACCESS_KEY'
export RGW_SECRET_KEY='$RGW_SECRET_KEY'
export RGW_UPLOAD_ACCESS_KEY='$RGW_UPLOAD_ACCESS_KEY'
export RGW_UPLOAD_SECRET_KEY='$RGW_UPLOAD_SECRET_KEY'
export RGW_BUCKET='$RGW_BUCKET'
export RGW_REGION='us-east-1'
EOF
