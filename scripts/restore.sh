#!/usr/bin/env bash
# Restore an SMP Clinic backup made by scripts/backup.sh into an EMPTY database and an
# empty (or missing) photo folder.
#
#   createdb -h host -U user smpclinic_restored
#   DATABASE_URL=postgres://user:pass@host:5432/smpclinic_restored \
#   PHOTOS_DIR=/srv/smpclinic/var/private/photos \
#   scripts/restore.sh /srv/backups/smpclinic-20270301T020000Z
#
# DATABASE_URL  the database to restore into (required; must exist and have no tables)
# PHOTOS_DIR    where the photos go (default: $VAR_DIR/private/photos, VAR_DIR defaulting
#               to ./var); must be empty or missing
# $1            the backup folder
#
# Checks the backup's checksums first, restores in one transaction (all or nothing),
# then prints what it restored. The app reading it must run with the SECRET_KEY and
# FIELD_ENCRYPTION_KEYS the backup was made with, or the encrypted notes stay unreadable.
set -euo pipefail

usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; }
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" || $# -ne 1 ]]; then
  usage
  [[ $# -eq 1 ]] && exit 0 || exit 2
fi

backup="$1"
: "${DATABASE_URL:?DATABASE_URL must name the (empty) PostgreSQL database to restore into}"
case "$DATABASE_URL" in
  postgres://* | postgresql://* | pgsql://* | postgis://*) ;;
  *) echo "restore.sh: only PostgreSQL databases are restored this way" >&2; exit 2 ;;
esac
PG_URL="postgresql://${DATABASE_URL#*://}"
VAR_DIR="${VAR_DIR:-var}"
PHOTOS_DIR="${PHOTOS_DIR:-$VAR_DIR/private/photos}"

fail() { echo "restore.sh: $*" >&2; exit 1; }

[[ -f "$backup/database.dump" && -f "$backup/SHA256SUMS" ]] \
  || fail "$backup is not a backup folder (no database.dump and SHA256SUMS)"
echo "Checking $backup"
(cd "$backup" && sha256sum --check --quiet SHA256SUMS) || fail "checksums do not match: the backup is damaged"

psql_value() { psql --dbname="$PG_URL" --no-psqlrc --tuples-only --no-align --quiet --command="$1"; }
tables="$(psql_value "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
[[ "$tables" == "0" ]] || fail "the target database already has $tables tables; restore into a new, empty one"

if [[ -f "$backup/photos.tar.gz" ]]; then
  if [[ -d "$PHOTOS_DIR" ]] && [[ -n "$(ls -A "$PHOTOS_DIR")" ]]; then
    fail "the photo folder $PHOTOS_DIR is not empty; restore into an empty one"
  fi
fi

echo "Database <- $backup/database.dump"
pg_restore --no-owner --no-acl --exit-on-error --single-transaction --dbname="$PG_URL" "$backup/database.dump"

if [[ -f "$backup/photos.tar.gz" ]]; then
  echo "Photos <- $backup/photos.tar.gz into $PHOTOS_DIR"
  mkdir -p "$PHOTOS_DIR"
  chmod 700 "$PHOTOS_DIR"
  tar -C "$PHOTOS_DIR" -xzf "$backup/photos.tar.gz"
  photo_files="$(find "$PHOTOS_DIR" -type f | wc -l)"
else
  echo "Photos: none in this backup (kept in the S3 bucket?)"
  photo_files="-"
fi

count() {
  local table="$1"
  if [[ "$(psql_value "SELECT to_regclass('public.$table') IS NOT NULL")" == "t" ]]; then
    psql_value "SELECT count(*) FROM $table"
  else
    echo "-"
  fi
}
echo "Restored: $(count clients_client) clients, $(count scheduling_appointment) appointments," \
  "$(count photos_photo) photo records, $photo_files photo files," \
  "$(count django_migrations) migrations applied"
