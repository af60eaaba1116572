"""redis-py (Debian's python3-redis) against mini-redis: commands, a pipeline, an error, pub/sub."""
import sys
import threading

import redis

r = redis.Redis(host="127.0.0.1", port=int(sys.argv[1]), socket_timeout=20)
print("ping", r.ping())
r.set("key", "value")
print("get", r.get("key"))
print("set nx", r.set("key", "other", nx=True) is True)
print("incr", r.incr("counter"), r.incr("counter"), r.decr("counter"))
print("mset", r.mset({"a": "1", "b": "2"}), "exists", r.exists("a", "b", "c"))
r.set("temp", "x", ex=100)
print("ttl", r.ttl("temp"))
print("list", r.lpush("list", "a", "b", "c"), r.lrange("list", 0, -1), r.lpop("list"), r.rpop("list", 2))
print("set", r.sadd("members", "m", "m", "n") , r.spop("members"))
print("hset", r.hset("hash", mapping={"f": "1", "g": "2"}))
pipe = r.pipeline(transaction=False)
pipe.set("p", "x").get("p").delete("p").rpush("pl", "1", "2")
print("pipeline", pipe.execute())
try:
    r.incr("hash")
except redis.ResponseError as e:
    print("error", type(e).__name__, e)

p = r.pubsub()
p.subscribe("news")
print("subscribed", p.get_message(timeout=10))
print("published", r.publish("news", "hello"))
print("message", p.get_message(timeout=10))

got = []
def listen():
    for message in p.listen():
        if message["type"] == "message":
            got.append(message["data"])
            return
thread = threading.Thread(target=listen)
thread.start()
while r.publish("news", "second") == 0:
    pass
thread.join(10)
print("thread message", got[0] if got else None)
p.close()
