#!/bin/bash
# nm-hostname-charon: nm-charon with vpn.data remote=gw-b.lab, a name from the guest's
# /etc/hosts (dbus/nm/README.md's remote=vpn.example.org): the plugin passes the name to
# ipsecd, which resolves it; the plugin's gateway is the address it resolved to (D-Bus
# RemoteAddress), and the tunnel carries the pings as with an address.
NM_REMOTE=gw-b.lab exec /bin/bash "$(dirname "$0")/../nm-charon/run.sh"
