// The one place the harness includes Boost.Beast / Asio / Asio-SSL from (http_transport.cpp
// and its test). Boost sits in a system include directory, so its headers do not warn; the
// pragmas keep it that way if Boost is ever found elsewhere (-Wconversion, -Wshadow and
// -Wold-style-cast fire inside Beast templates). Beast compiles slowly: keep it in few TUs.
#pragma once

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wold-style-cast"
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
