window.YTD.community_tweet.part0 = [
  {
    "tweet" : {
      "retweeted" : false,
      "community_id" : "1600000000000000999",
      "community_id_str" : "1600000000000000999",
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ ], "urls" : [ ] },
      "favorite_count" : "5",
      "id_str" : "1750000000000000010",
      "truncated" : false,
      "retweet_count" : "2",
      "id" : "1750000000000000010",
      "created_at" : "Thu Jan 25 08:00:00 +0000 2024",
      "favorited" : false,
      "full_text" : "Posted in the Acme fans community",
      "lang" : "en"
    }
  }
]
