// The benchmarks' one way to call the service in-process: a bearer key, a JSON body, and a thrown
// error (with the start of the answer) for anything but success.
export function caller(app) {
  return async function call(method, path, key, body, headers = {}) {
    const response = await app.inject({
      method,
      url: path,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    if (response.statusCode >= 300) throw new Error(`${method} ${path}: ${response.statusCode} ${response.body.slice(0, 500)}`);
    return response;
  };
}
