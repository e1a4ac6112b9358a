// Safe intake of an XML document (PNRGOV XML and any later XML message).
//
// `parse()` turns untrusted bytes into a pugixml DOM only after they passed every check that
// protects the receiver, and reports each refusal to a diagnostic_sink:
//
//   bytes ──► size limit ──► encoding (UTF-8 only: no UTF-16/32 BOM, declaration says UTF-8)
//         ──► UTF-8 well-formedness and XML 1.0 characters
//         ──► pre-scan: DOCTYPE refused, depth / element count / attribute length limits
//             (before pugixml allocates a node, so a depth or count bomb costs no memory)
//         ──► pugixml parse (well-formedness: byte offset + line/column on failure)
//         ──► post-parse walk: the same limits and DOCTYPE on the DOM (defence in depth),
//             exactly one root element, no text outside it.
//
// DTDs are refused outright rather than parsed without expansion: a PNR push has no use for
// them, and refusing them closes entity expansion ("billion laughs") and external entities for
// any later parser the bytes might reach.
//
// Errors: findings go to the sink (diagnostic IDs XML-*, see errc.hpp and
// docs/error-codes-xml.md) with the byte offset in `pos.offset` and "line L, column C" (from
// apipnr::locate) in `detail`. The returned error_code is the first fatal finding, or success
// when the document was parsed; nothing throws except std::bad_alloc.
//
// Lifetime: `document` owns its DOM (pugixml copies the bytes). It also keeps a view of the
// caller's buffer for positions, so REQUIRES: the buffer outlives the document's use by the
// mapping (map_pnrgov) when line/column are wanted.
//
// Thread safety: a `document` is used by one thread at a time; distinct documents are
// independent. Reuse one per worker: parse() resets it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/system/error_code.hpp>
#include <pugixml.hpp>

#include "apipnr/common/diagnostic.hpp"
#include "apipnr/xml/errc.hpp"

namespace apipnr::xml {

// Hard limits. The defaults leave room for a full flight (several hundred PNRs) while keeping
// the DOM of a hostile document small.
struct limits {
  std::size_t max_document_bytes = 16u * 1024u * 1024u;
  std::uint32_t max_depth = 32;  // the root element has depth 1; PNRGOV XML needs about 8
  std::uint32_t max_elements = 500'000;
  std::size_t max_attribute_length = 4096;  // bytes, as written (before entity decoding)
};

class document {
 public:
  document() = default;
  document(const document&) = delete;
  document& operator=(const document&) = delete;

  // The parsed DOM; empty until parse() succeeded.
  const pugi::xml_document& dom() const noexcept { return dom_; }
  // The root element (null when nothing was parsed).
  pugi::xml_node root() const noexcept { return dom_.document_element(); }
  // The bytes given to parse() (a view: see Lifetime above).
  std::string_view source() const noexcept { return source_; }
  bool parsed() const noexcept { return parsed_; }

  // Byte offset of a node in source(), or `fallback` when pugixml cannot tell.
  std::size_t offset_of(pugi::xml_node n, std::size_t fallback = 0) const noexcept;

 private:
  friend boost::system::error_code parse(std::string_view, document&, diagnostic_sink&,
                                         const limits&);
  pugi::xml_document dom_;
  std::string_view source_;
  bool parsed_ = false;
};

// Checks and parses `buffer` into `doc` (see the pipeline above). Returns the code of the first
// fatal finding (empty_document, document_too_large, unsupported_encoding, invalid_utf8,
// invalid_character, doctype, depth_exceeded, too_many_elements, attribute_too_long,
// not_well_formed), or success. On failure `doc.parsed()` is false.
[[nodiscard]] boost::system::error_code parse(std::string_view buffer, document& doc,
                                              diagnostic_sink& sink, const limits& lim = {});

// Reports `code` with its table defaults at `offset` of `source`; `detail` is prefixed with
// "line L, column C: ". Shared by the intake and the mappings so that every XML finding has the
// same shape. `detail` must not carry personal data (DP-LOG-003): name paths, not values.
void report(diagnostic_sink& sink, errc code, std::string_view source, std::size_t offset,
            std::string_view detail);

// The same with line and column already known (callers that report many findings keep a line
// index instead of rescanning the document for each one).
void report(diagnostic_sink& sink, errc code, std::size_t offset, line_column lc,
            std::string_view detail);

}  // namespace apipnr::xml
