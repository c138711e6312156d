// @podfleet/artwork: podcast cover art. Covers rendered offline from a show's title and colour
// (SVG through resvg, the Inter font bundled), the checks an uploaded cover must pass, and the
// show cover in storage (drawn or uploaded).
export {
  COVER_MAX_BYTES,
  COVER_MAX_PX,
  COVER_MIN_PX,
  type CoverCheck,
  type CoverImage,
  type CoverMimeType,
  inspectCover,
} from './cover-image';
export {
  COVER_DESIGN_VERSION,
  type CoverDesign,
  coverSvg,
  DEFAULT_COVER_SIZE_PX,
  renderCover,
} from './render-cover';
export {
  type CoverStore,
  currentCover,
  removeUploadedCover,
  type StoredCover,
  saveUploadedCover,
} from './show-cover';
