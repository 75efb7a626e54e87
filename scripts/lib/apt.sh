# Sourced by the check scripts that install what they need (Debian 12, as
# root): apt_get, which runs apt-get and waits while another apt or dpkg run
# holds its locks.
apt_get() {
  local try err
  err=$(mktemp)
  for try in $(seq 1 60); do
    if DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=60 -q "$@" 2>"$err"; then
      rm -f "$err"
      return 0
    fi
    cat "$err" >&2
    grep -Eqi 'could not get lock|unable to acquire|is held by process' "$err" || break
    printf '== apt is locked by another process (try %s/60): waiting\n' "$try" >&2
    sleep 10
  done
  rm -f "$err"
  return 1
}
