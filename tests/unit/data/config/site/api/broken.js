export default () => new Response("broken");
