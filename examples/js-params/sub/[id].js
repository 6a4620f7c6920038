// /sub/<id>
export default {
  fetch(request) {
    return new Response(`sub id: ${request.params.id}`);
  },
};
