window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [ "1600000000000000001" ],
          "editableUntil" : "2022-12-06T10:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [ ],
        "symbols" : [ ],
        "user_mentions" : [
          {
            "name" : "Acme Help",
            "screen_name" : "AcmeHelp",
            "indices" : [ "0", "9" ],
            "id_str" : "777",
            "id" : "777"
          }
        ],
        "urls" : [
          {
            "url" : "https://t.co/Qx1RtAbCdE",
            "expanded_url" : "https://acme.example/orders/123?ref=tw&x=1",
            "display_url" : "acme.example/orders/123?…",
            "indices" : [ "60", "83" ]
          }
        ]
      },
      "display_text_range" : [ "0", "83" ],
      "favorite_count" : "2",
      "in_reply_to_status_id_str" : "1600000000000000000",
      "id_str" : "1600000000000000001",
      "in_reply_to_user_id" : "777",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1600000000000000001",
      "in_reply_to_status_id" : "1600000000000000000",
      "created_at" : "Mon Dec 05 09:00:00 +0000 2022",
      "favorited" : false,
      "full_text" : "@AcmeHelp my order &amp; refund are &lt;still&gt; missing 😡 https://t.co/Qx1RtAbCdE",
      "lang" : "en",
      "in_reply_to_screen_name" : "AcmeHelp",
      "in_reply_to_user_id_str" : "777"
    }
  },
  {
    "tweet" : {
      "retweeted" : false,
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ ], "urls" : [ ] },
      "display_text_range" : [ "0", "38" ],
      "favorite_count" : "0",
      "id_str" : "1600000000000000002",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1600000000000000002",
      "created_at" : "Mon Dec 05 09:30:00 +0000 2022",
      "favorited" : false,
      "full_text" : "Il fait beau à Paris, \"vraiment\" beau",
      "lang" : "fr"
    }
  },
  {
    "tweet" : {
      "retweeted" : false,
      "entities" : {
        "user_mentions" : [ { "name" : "Bob", "screen_name" : "bob", "indices" : [ "3", "7" ], "id_str" : "5", "id" : "5" } ],
        "urls" : [ ]
      },
      "id_str" : "1600000000000000003",
      "id" : "1600000000000000003",
      "created_at" : "Mon Dec 05 10:00:00 +0000 2022",
      "full_text" : "RT @bob: Acme support answered in five minutes, impressive",
      "lang" : "en"
    }
  }
]
