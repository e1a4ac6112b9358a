// The one place Boost.Beast / Asio / Asio-SSL are included from. Boost sits in a system include
// directory, so its headers do not warn; the pragmas keep it that way if Boost is ever found
// elsewhere (-Wconversion, -Wshadow and -Wold-style-cast fire inside Beast templates).
// Only the server and the test clients include this; keep Beast in few translation units,
// since it compiles slowly.
#pragma once

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wnull-dereference"
#pragma GCC diagnostic ignored "-Wcast-align"
#endif

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
