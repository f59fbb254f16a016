"""Which mail servers a client's smtp_host may name: only public internet addresses, so that a
client cannot make the platform connect inside its own network (loopback, private ranges, cloud
metadata) and read the answers back from last_error."""
import ipaddress
import socket

from shared.platform import settings

NAT64 = ipaddress.ip_network("64:ff9b::/96")  # an IPv4 address written inside an IPv6 one, as 6to4 and ::ffff:


class RefusedHost(ValueError):
    """The host names (or resolves to) an address the sender must not reach."""


def public_addresses(host: str, port: int) -> list[str]:
    """Every address `host` resolves to, each public, in getaddrinfo's order: the sender connects
    to these themselves, never resolving the name again (DNS could answer differently the second
    time). RefusedHost when any is not public (unless AVENIR_SMTP_ALLOW_PRIVATE, for tests and
    `make run`); socket.gaierror when the name does not resolve."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    refused = [address for address in addresses if not is_public(address)]
    if refused and not settings.smtp_allow_private():
        raise RefusedHost("smtp_host must be a public mail server: it names a loopback, private, link-local "
                          "or reserved address")
    return addresses


def check(host: str) -> str:
    """PATCH /api/client's check of smtp_host: a host that resolves now must resolve to public
    addresses only (one that does not resolve yet is checked again at every connection)."""
    try:
        public_addresses(host, 25)
    except (socket.gaierror, UnicodeError):
        pass
    return host


def is_public(address: str) -> bool:
    """A globally routable unicast address, and the same for the IPv4 address an IPv6 one carries
    (::ffff:127.0.0.1, 2002:7f00:1::, 64:ff9b::7f00:1)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6:
        inner = ip.ipv4_mapped or ip.sixtofour or (
            ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in NAT64 else None)
        if inner is not None and not _global_unicast(inner):
            return False
        if ip.ipv4_mapped is not None:  # ::ffff:0:0/96 itself counts as private: the address inside decides
            return True
    return _global_unicast(ip)


def _global_unicast(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified or ip.is_loopback
                                 or ip.is_link_local or ip.is_private)
