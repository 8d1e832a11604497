#!/usr/bin/env bash
# Writes the users and roles of an Artemis instance that Herald uses (external broker), replacing
# whatever etc/artemis-users.properties and etc/artemis-roles.properties held (e.g. the user that
# `artemis create` made). For an instance whose login module is JAAS PropertiesLoginModule, as
# `artemis create` sets it up; the permissions of each role are in herald-broker.properties.
#
#   HERALD_BROKER_USER=herald HERALD_BROKER_PASSWORD=... HERALD_BROKER_PRODUCER_PASSWORD=... \
#   HERALD_BROKER_OPERATOR_PASSWORD=... deploy/artemis/configure-users.sh INSTANCE_DIR
#
# Users:  $HERALD_BROKER_USER (default herald), role herald: Herald itself, everything everywhere.
#         producer, role producer: legacy systems, send to the ingress addresses only.
#         operator, role operator: people, browse herald.rejected and herald.dead only.
# Herald's user is also given role amq, which `artemis create` makes the role of the web console
# and of JMX (etc/artemis.profile, etc/management.xml); herald-broker.properties takes every right
# on addresses away from amq, so on messages Herald's user can do only what role herald may.
#
# Passwords are stored hashed (PBKDF2, `artemis mask --hash`, which the login module checks as
# ENC(...)). The CLI takes the password as an argument, which any local user could read in the
# process list, so it reads it from an argument file (@file, mode 600) instead. That costs one JVM
# start per user, 1 to 3 s each. The instance's login module re-reads changed files (reload=true),
# so this also works on a running broker. No password is ever printed.
set -euo pipefail

die() { echo "configure-users.sh: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: configure-users.sh INSTANCE_DIR (an instance made by \`artemis create\`)"
instance=$1
etc=$instance/etc
if [ ! -x "$instance/bin/artemis" ] || [ ! -f "$etc/login.config" ]; then
  die "$instance is not an Artemis instance (no bin/artemis or etc/login.config)"
fi
grep -q PropertiesLoginModule "$etc/login.config" \
  || die "$etc/login.config does not use PropertiesLoginModule: artemis-users.properties would not be read"
if grep -q GuestLoginModule "$etc/login.config"; then
  echo "configure-users.sh: warning: $etc/login.config lets clients in without a password" \
       "(created with --allow-anonymous); use --require-login" >&2
fi

herald_user=${HERALD_BROKER_USER:-herald}
[[ $herald_user =~ ^[A-Za-z0-9][A-Za-z0-9._@-]*$ ]] \
  || die "HERALD_BROKER_USER must be letters, digits and . _ @ - only"
case $herald_user in producer|operator) die "HERALD_BROKER_USER must not be '$herald_user': that is another user" ;; esac

for var in HERALD_BROKER_PASSWORD HERALD_BROKER_PRODUCER_PASSWORD HERALD_BROKER_OPERATOR_PASSWORD; do
  [ -n "${!var:-}" ] || die "$var is not set (the broker password to give to its user; e.g. openssl rand -base64 24)"
  [[ ${!var} != *[$'\n\r']* ]] || die "$var must be one line"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/herald-users.XXXXXX")
trap 'rm -rf "$work"' EXIT
umask 077

# Prints the hash of the password held in variable $1.
hash_password() {
  local password=${!1} out hash
  # One quoted argument in the CLI's (picocli's) argument-file syntax: \ and " escaped with \, and
  # a leading @ doubled (or it would name another argument file).
  password=${password//\\/\\\\}
  password=${password//\"/\\\"}
  [[ $password != @* ]] || password=@$password
  # printf is a shell builtin: the password is in no process's arguments.
  printf '"%s"\n' "$password" > "$work/password"
  # -Dfile.encoding: read the argument file as UTF-8 whatever the locale (JDK 17 would not).
  out=$(JAVA_ARGS_APPEND="${JAVA_ARGS_APPEND:-} -Dfile.encoding=UTF-8" \
          "$instance/bin/artemis" mask --hash "@$work/password" 2>&1) \
    || die "\`artemis mask --hash\` failed for $1"
  rm -f "$work/password"
  hash=$(sed -n 's/^result: \([0-9]*:[0-9A-Fa-f]*:[0-9A-Fa-f]*\)$/\1/p' <<< "$out")
  [ -n "$hash" ] || die "\`artemis mask --hash\` printed no hash for $1"
  echo "$hash"
}
herald_hash=$(hash_password HERALD_BROKER_PASSWORD)
producer_hash=$(hash_password HERALD_BROKER_PRODUCER_PASSWORD)
operator_hash=$(hash_password HERALD_BROKER_OPERATOR_PASSWORD)

# Replaces $etc/$1 with stdin in one step (a running broker never reads half a file), keeping the
# owner when run as root for a broker that runs as another user.
replace() {
  local target=$etc/$1 tmp
  tmp=$(mktemp "$etc/.$1.XXXXXX")
  cat > "$tmp"
  if [ "$(id -u)" = 0 ] && [ -e "$target" ]; then chown --reference="$target" "$tmp"; fi
  chmod 600 "$tmp"
  mv -f "$tmp" "$target"
}

replace artemis-users.properties <<EOF
# Written by Herald's deploy/artemis/configure-users.sh: user = ENC(hashed password).
$herald_user = ENC($herald_hash)
producer = ENC($producer_hash)
operator = ENC($operator_hash)
EOF

replace artemis-roles.properties <<EOF
# Written by Herald's deploy/artemis/configure-users.sh: role = users. What each role may do is in
# herald-broker.properties; amq is the web console's and JMX's role only.
herald = $herald_user
producer = producer
operator = operator
amq = $herald_user
EOF

echo "configure-users.sh: users $herald_user (herald, amq), producer (producer), operator (operator) written to $etc"
