#!/usr/bin/env bash
# Back up SMP Clinic: the PostgreSQL database (pg_dump custom format) and the private
# photo folder, into one new timestamped folder with a checksum list.
#
#   DATABASE_URL=postgres://user:pass@host:5432/smpclinic \
#   PHOTOS_DIR=/srv/smpclinic/var/private/photos \
#   scripts/backup.sh /srv/backups
#
# DATABASE_URL  the database to back up (required; the app's own setting)
# PHOTOS_DIR    the private photo folder (default: $VAR_DIR/private/photos, VAR_DIR
#               defaulting to ./var); "none" when photos are in an S3 bucket, which is
#               backed up by the bucket's own versioning/replication (see README)
# $1            where to put the backup folder (default: ./var/backups)
#
# Never copies SECRET_KEY or FIELD_ENCRYPTION_KEYS: the encrypted notes in the dump are
# unreadable without them, so they are kept apart from the backups (see README).
set -euo pipefail

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; }
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then usage; exit 0; fi

: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database to back up}"
case "$DATABASE_URL" in
  postgres://* | postgresql://* | pgsql://* | postgis://*) ;;
  *) echo "backup.sh: only PostgreSQL databases are backed up this way (DATABASE_URL=${DATABASE_URL%%://*}://...)" >&2; exit 2 ;;
esac
# libpq reads postgresql:// URLs; django-environ also accepts these other spellings.
PG_URL="postgresql://${DATABASE_URL#*://}"

VAR_DIR="${VAR_DIR:-var}"
PHOTOS_DIR="${PHOTOS_DIR:-$VAR_DIR/private/photos}"
DEST_ROOT="${1:-$VAR_DIR/backups}"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
dest="$DEST_ROOT/smpclinic-$stamp"
mkdir -p "$DEST_ROOT"
umask 077 # health data: readable by the backup user only
mkdir "$dest"
# A failed run leaves no half-written backup that looks complete.
trap 'status=$?; if [[ $status -ne 0 ]]; then rm -rf "$dest"; echo "backup.sh: failed, nothing kept" >&2; fi' EXIT

echo "Database -> $dest/database.dump"
pg_dump --format=custom --compress=6 --no-owner --no-acl --file="$dest/database.dump" --dbname="$PG_URL"

if [[ "$PHOTOS_DIR" == "none" ]]; then
  echo "Photos: not in this backup (PHOTOS_DIR=none: the bucket is backed up on its own)"
else
  if [[ ! -d "$PHOTOS_DIR" ]]; then
    echo "backup.sh: no photo folder at $PHOTOS_DIR (set PHOTOS_DIR, or PHOTOS_DIR=none for S3)" >&2
    exit 2
  fi
  echo "Photos $PHOTOS_DIR -> $dest/photos.tar.gz"
  tar -C "$PHOTOS_DIR" -czf "$dest/photos.tar.gz" .
fi

photo_files=0
if [[ -f "$dest/photos.tar.gz" ]]; then
  photo_files="$(tar -tzf "$dest/photos.tar.gz" | grep -vc '/$' || true)"
fi
cat > "$dest/MANIFEST" <<MANIFEST
created_utc=$stamp
database=database.dump (pg_dump custom format)
photos=$( [[ -f "$dest/photos.tar.gz" ]] && echo "photos.tar.gz ($photo_files files)" || echo "not included" )
keys=not included: restore needs the same SECRET_KEY and FIELD_ENCRYPTION_KEYS
MANIFEST
(
  cd "$dest"
  sha256sum -- * > SHA256SUMS
)
echo "Backup complete: $dest ($(du -sh "$dest" | cut -f1))"
