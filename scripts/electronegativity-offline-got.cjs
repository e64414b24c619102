// Stand-in for `got` inside electronegativity (see electronegativity-run.cjs): every request
// fails at once, as it would offline, so the scan never waits for or depends on the network.
function got(url) {
  return Promise.reject(new Error(`offline scan: no request to ${url}`));
}
got.get = got;
got.head = got;
module.exports = got;
module.exports.default = got;
