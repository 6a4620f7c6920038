export default () => new Response("plain");
