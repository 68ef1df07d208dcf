// The filmstrip's frames over a run, kept alike by the page (to draw) and the worker (to
// checkpoint): at most FILMSTRIP_FRAMES, always the first grid, the middle thinned out.
export const FILMSTRIP_FRAMES = 24;

export function keepFrame(film, frame) {
  film.push(frame);
  if (film.length > FILMSTRIP_FRAMES) film.splice(1, 1);
}
