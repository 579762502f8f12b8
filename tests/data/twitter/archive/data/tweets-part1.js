window.YTD.tweets.part1 = [ {
  "tweet" : {
    "id_str" : "1600000000000000004",
    "id" : "1600000000000000004",
    "created_at" : "Tue Dec 06 08:00:00 +0000 2022",
    "full_text" : "second part of the archive, with a ] and a } inside a string",
    "entities" : { "user_mentions" : [ ], "urls" : [ ] },
    "lang" : "en"
  }
} ]
