# Installs Debian packages without letting their init scripts start default services
# (sourced, not run).
# shellcheck shell=bash

apt_install_quietly() {
  [[ $EUID -eq 0 ]] || die "installing $* needs root (apt-get install -y --no-install-recommends $*)"
  local policy=/usr/sbin/policy-rc.d added_policy=0
  # invoke-rc.d consults policy-rc.d; exit 101 means "do not start". Only a file we created is removed.
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    added_policy=1
  fi
  local rc=0
  echo "installing $* from Debian apt" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >&2 || rc=$?
  if [[ $rc -ne 0 ]]; then
    # A stale package list is the usual cause; refresh once and retry.
    apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >&2 && rc=0
  fi
  [[ $added_policy -eq 1 ]] && rm -f "$policy"
  [[ $rc -eq 0 ]] || die "apt-get install $* failed"
}
